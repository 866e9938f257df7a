import { getFormProps, getInputProps, getTextareaProps, useForm, type FieldMetadata } from '@conform-to/react'
import { getZodConstraint, parseWithZod } from '@conform-to/zod'
import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { DateTime, formatInstant } from '~/components/date-time'
import { ErrorList, FormErrors } from '~/components/forms'
import { languageName } from '~/modules/comments/languages'
import { isLanguage, LANGUAGE_NAMES, SUPPORTED_LANGUAGES, textDirection } from '~/modules/i18n/i18n'
import { getFixedT } from '~/modules/i18n/i18n.server'
import { getReadableVersion } from '~/modules/norms/norms.server'
import { getRound } from '~/modules/rounds/rounds.server'
import { positiveIdOf } from '~/modules/summaries/page.server'
import { SummaryDocument } from '~/modules/summaries/summary-document'
import {
  clauseSection,
  NARRATIVE_MAX,
  narrativeFormSchema,
  SUMMARY_SECTIONS,
  type SummarySection,
} from '~/modules/summaries/summaries.schema'
import {
  listSnapshots,
  publishSummary,
  readDraft,
  saveNarratives,
  summaryFigures,
} from '~/modules/summaries/summaries.server'
import { summaryView } from '~/modules/summaries/view.server'
import { GeneralErrorBoundary } from '~/components/error-boundary'
import cssHref from '~/styles/summaries.css'
import { requireRole } from '~/utils/auth.server'
import { db } from '~/utils/db.server'
import { redirectWithFlash } from '~/utils/flash.server'
import { badRequest, invariantResponse, readFormData } from '~/utils/http.server'

export const handle = { i18n: ['summaries', 'rounds', 'regions'] }

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: cssHref }]

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? 'Concord' }]

function builderUrl(roundId: number, language: string, extra = '') {
  return `/moderate/rounds/${roundId}/summary?lang=${language}${extra}`
}

/**
 * The moderators' summary builder: the round's current figures section by section, the draft's
 * narrative for each section and clause in one chosen language, preview, publication (with a
 * confirmation step), and the versions published so far.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireRole(request, 'moderator')
  const roundId = positiveIdOf(params.roundId)
  const { t, language } = await getFixedT(request, 'summaries')
  const round = getRound(db, roundId, language)
  invariantResponse(round, 'Not found')
  const search = new URL(request.url).searchParams
  const requested = search.get('lang')
  if (requested !== null && !isLanguage(requested)) throw new Response('Unknown language', { status: 400 })
  const narrativeLanguage = requested ?? language
  const version = getReadableVersion(db, round.versionId, language)
  invariantResponse(version, 'Not found')
  const now = new Date()
  const figures = summaryFigures(db, roundId, now)
  const draft = readDraft(db, roundId)
  const view = summaryView({
    figures,
    narrative: draft.narrative,
    language,
    sourceLanguage: version.sourceLanguage,
    clauses: version.clauses,
    idPrefix: 'builder',
  })
  const clauseLabels = version.clauses.map((clause) => clause.label)
  const textIn = (section: string) => draft.narrative[section]?.[narrativeLanguage] ?? ''
  const otherLanguages = (section: string) =>
    SUPPORTED_LANGUAGES.filter((code) => code !== narrativeLanguage && draft.narrative[section]?.[code]).map(
      (code) => LANGUAGE_NAMES[code],
    )
  const snapshots = listSnapshots(db, roundId)
  return {
    title: `${t('builder.title')} · ${round.title} · Concord`,
    roundId,
    roundState: round.state,
    language,
    dir: textDirection(language),
    narrativeLanguage,
    narrativeLanguageName: languageName(narrativeLanguage, language),
    sourceLanguageName: languageName(version.sourceLanguage, language),
    defaults: {
      sections: Object.fromEntries(SUMMARY_SECTIONS.map((section) => [section, textIn(section)])) as Record<
        SummarySection,
        string
      >,
      clauses: clauseLabels.map((label) => ({ label, text: textIn(clauseSection(label)) })),
    },
    otherLanguages: Object.fromEntries(
      [...SUMMARY_SECTIONS, ...clauseLabels.map(clauseSection)].map((section) => [section, otherLanguages(section)]),
    ) as Record<string, string[]>,
    draftUpdatedAt: draft.updatedAt ? formatInstant(draft.updatedAt, language, round.timeZone) : null,
    view,
    confirm: search.get('confirm') === 'publish',
    nextNumber: (snapshots[0]?.number ?? 0) + 1,
    versions: snapshots.map((snapshot) => ({
      number: snapshot.number,
      href: `/rounds/${roundId}/summary/${snapshot.number}`,
      publishedAt: formatInstant(snapshot.publishedAt, language, round.timeZone),
      publishedBy: snapshot.publishedBy,
      contentHash: snapshot.contentHash,
    })),
  }
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireRole(request, 'moderator')
  const roundId = positiveIdOf(params.roundId)
  const { language } = await getFixedT(request, 'summaries')
  invariantResponse(getRound(db, roundId, language), 'Not found')
  const formData = await readFormData(request)
  const intent = formData.get('intent')
  if (intent === 'publish') {
    const number = publishSummary(db, { roundId, actorId: user.id })
    return redirectWithFlash(`/moderate/rounds/${roundId}/summary`, {
      key: 'summaries:flash.published',
      values: { number },
    })
  }
  const submission = parseWithZod(formData, { schema: narrativeFormSchema })
  if (submission.status !== 'success') return badRequest(submission.reply())
  const { language: narrativeLanguage, sections, clauses } = submission.value
  const texts: Record<string, string> = {}
  // A section the form did not send is left as it is; one sent empty is cleared.
  for (const section of SUMMARY_SECTIONS)
    if (formData.has(`sections.${section}`)) texts[section] = sections[section] ?? ''
  for (const clause of clauses) texts[clauseSection(clause.label)] = clause.text ?? ''
  const saved = saveNarratives(db, { roundId, language: narrativeLanguage, texts, actorId: user.id })
  if (!saved.ok) return badRequest(submission.reply({ formErrors: [`errors.${saved.error}`] }))
  return redirectWithFlash(builderUrl(roundId, narrativeLanguage), {
    key: saved.changed.length ? 'summaries:flash.saved' : 'summaries:flash.unchanged',
    values: { language: languageName(narrativeLanguage, language) },
  })
}

type TextField = FieldMetadata<string | undefined, Record<string, unknown>, string[]>

function NarrativeField({
  meta,
  label,
  others,
  language,
}: {
  meta: TextField
  label: string
  others: string[]
  language: string
}) {
  const { t } = useTranslation('summaries')
  const { key, ...props } = getTextareaProps(meta, { ariaDescribedBy: meta.descriptionId })
  return (
    <div className="field narrative-field no-print">
      <label htmlFor={meta.id}>{label}</label>
      <p id={meta.descriptionId} className="field__hint">
        {t('builder.hint', { max: NARRATIVE_MAX })}
        {others.length ? ` ${t('builder.otherLanguages', { languages: others.join(', ') })}` : ''}
      </p>
      <textarea key={key} {...props} lang={language} dir={textDirection(language)} rows={4} />
      <ErrorList id={meta.errorId} errors={meta.errors} ns="summaries" />
      <div className="actions">
        <button type="submit" name="intent" value="save" className="button button--quiet button--small">
          {t('builder.save')}
        </button>
      </div>
    </div>
  )
}

export default function SummaryBuilder() {
  const { narrativeLanguage } = useLoaderData<typeof loader>()
  // One form per narrative language: the form keeps what was typed across navigations, so without a
  // new form the French fields would still hold the English texts (and saving would store them as French).
  return <BuilderPage key={narrativeLanguage} />
}

function BuilderPage() {
  const { t } = useTranslation('summaries')
  const data = useLoaderData<typeof loader>()
  const lastResult = useActionData<typeof action>()
  const submitting = useNavigation().state === 'submitting'
  const [form, fields] = useForm({
    id: 'narrative',
    lastResult,
    constraint: getZodConstraint(narrativeFormSchema),
    shouldValidate: 'onBlur',
    shouldRevalidate: 'onInput',
    defaultValue: { language: data.narrativeLanguage, ...data.defaults },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: narrativeFormSchema }),
  })
  const sections = fields.sections.getFieldset()
  const clauseFields = fields.clauses.getFieldList()
  const slot = (section: string, name: string) => {
    const label = t('builder.narrativeLabel', { section: name, language: data.narrativeLanguageName })
    const others = data.otherLanguages[section] ?? []
    if ((SUMMARY_SECTIONS as readonly string[]).includes(section)) {
      return (
        <NarrativeField
          meta={sections[section as SummarySection] as TextField}
          label={label}
          others={others}
          language={data.narrativeLanguage}
        />
      )
    }
    const index = data.defaults.clauses.findIndex((clause) => clauseSection(clause.label) === section)
    const clause = clauseFields[index]
    if (!clause) return null
    const clauseSet = clause.getFieldset()
    return (
      <>
        <input {...getInputProps(clauseSet.label, { type: 'hidden' })} key={clauseSet.label.key} />
        <NarrativeField
          meta={clauseSet.text as TextField}
          label={label}
          others={others}
          language={data.narrativeLanguage}
        />
      </>
    )
  }
  return (
    <section className="summary-builder" aria-labelledby="builder-title">
      <h1 id="builder-title">{t('builder.title')}</h1>
      <p className="lead">{t('builder.intro')}</p>
      <p>
        {data.draftUpdatedAt ? (
          <>
            {t('builder.draftSaved')} <DateTime value={data.draftUpdatedAt} />
          </>
        ) : (
          t('builder.draftNew')
        )}
      </p>
      {data.roundState === 'open' || data.roundState === 'scheduled' ? (
        <p className="notice">{t('builder.interim')}</p>
      ) : null}
      <div className="actions no-print">
        <Link to={`/moderate/rounds/${data.roundId}/summary/preview`} className="button button--quiet">
          {t('builder.preview')}
        </Link>
        <Link
          to={`${builderUrl(data.roundId, data.narrativeLanguage, '&confirm=publish')}#publish-title`}
          className="button"
        >
          {t('builder.publish', { number: data.nextNumber })}
        </Link>
      </div>

      {data.confirm ? (
        <section className="card publish-confirm" aria-labelledby="publish-title">
          <h2 id="publish-title">{t('builder.confirmTitle', { number: data.nextNumber })}</h2>
          <p>{t('builder.confirmBody', { number: data.nextNumber })}</p>
          <Form method="post" className="actions">
            <button type="submit" name="intent" value="publish" className="button" disabled={submitting}>
              {t('builder.confirmPublish', { number: data.nextNumber })}
            </button>
            <Link to={builderUrl(data.roundId, data.narrativeLanguage)}>{t('builder.cancel')}</Link>
          </Form>
        </section>
      ) : null}

      <section aria-labelledby="published-title">
        <h2 id="published-title">{t('versions.title')}</h2>
        {data.versions.length ? (
          <div className="table-scroll" role="region" aria-labelledby="published-caption" tabIndex={0}>
            <table className="table versions-table">
              <caption id="published-caption">{t('versions.caption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('versions.number')}</th>
                  <th scope="col">{t('versions.published')}</th>
                  <th scope="col">{t('versions.publishedBy')}</th>
                  <th scope="col">{t('versions.hash')}</th>
                </tr>
              </thead>
              <tbody>
                {data.versions.map((version) => (
                  <tr key={version.number}>
                    <th scope="row">
                      <Link to={version.href}>{t('meta.versionValue', { number: version.number })}</Link>
                    </th>
                    <td>
                      <DateTime value={version.publishedAt} />
                    </td>
                    <td>{version.publishedBy ?? '—'}</td>
                    <td>
                      <code className="hash">{version.contentHash}</code>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <p>{t('versions.none')}</p>
        )}
      </section>

      <Form method="get" className="builder-language no-print" aria-labelledby="builder-language-label">
        <div className="field">
          <label htmlFor="builder-language" id="builder-language-label">
            {t('builder.languageLabel')}
          </label>
          <select id="builder-language" name="lang" defaultValue={data.narrativeLanguage}>
            {SUPPORTED_LANGUAGES.map((code) => (
              <option key={code} value={code} lang={code}>
                {LANGUAGE_NAMES[code]}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="button button--quiet">
          {t('builder.languageSubmit')}
        </button>
      </Form>

      <Form method="post" {...getFormProps(form)} className="builder-form">
        <input {...getInputProps(fields.language, { type: 'hidden' })} key={fields.language.key} />
        <FormErrors errors={[...(form.errors ?? []), ...(fields.language.errors ?? [])]} ns="summaries" />
        <SummaryDocument
          view={data.view}
          dir={data.dir}
          sourceLanguageName={data.sourceLanguageName}
          narrativeSlot={slot}
        />
        <div className="actions">
          <button type="submit" name="intent" value="save" className="button" disabled={submitting}>
            {t('builder.saveAll')}
          </button>
        </div>
      </Form>
    </section>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
