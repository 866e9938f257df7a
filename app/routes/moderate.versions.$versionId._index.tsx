import { getFormProps, useForm } from '@conform-to/react'
import { getZodConstraint, parseWithZod } from '@conform-to/zod'
import {
  data,
  type ActionFunctionArgs,
  type LinksFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
} from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { Fragment } from 'react'
import { useTranslation } from 'react-i18next'
import { getFixedT } from '~/modules/i18n/i18n.server'
import { DraftFields, draftDefaults } from '~/modules/norms/draft-form'
import { Foreign } from '~/modules/norms/form-parts'
import { formErrorMap } from '~/modules/norms/forms'
import { parseSubmission, readId, replyUnfinished } from '~/modules/norms/forms.server'
import { languageName, languageOptions, targetLanguages } from '~/modules/norms/languages'
import { draftSchema } from '~/modules/norms/norms.schema'
import {
  createVersionFrom,
  FrozenVersionError,
  getVersionForEditing,
  listVersionsOfNorm,
  translationCoverage,
  updateDraft,
} from '~/modules/norms/norms.server'
import { listRounds, listRoundTitles } from '~/modules/rounds/rounds.server'
import cssHref from '~/styles/moderation.css'
import { requireRole } from '~/utils/auth.server'
import { db } from '~/utils/db.server'
import { redirectWithFlash } from '~/utils/flash.server'
import { invariantResponse, readFormData } from '~/utils/http.server'

export const handle = { i18n: ['norms'] }

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: cssHref }]

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.pageTitle ?? 'Concord' }]

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireRole(request, 'moderator')
  const versionId = readId(params.versionId)
  invariantResponse(versionId)
  const found = getVersionForEditing(db, versionId)
  invariantResponse(found)
  const { t, language } = await getFixedT(request, 'norms')
  const { version, clauses } = found
  const dateFormat = new Intl.DateTimeFormat(language, { dateStyle: 'long', timeZone: 'UTC' })
  const coverage = translationCoverage(db, [version.id])
  return {
    pageTitle: `${t('version.pageTitle', { number: version.number, title: version.title })} · Concord`,
    language,
    version: {
      id: version.id,
      normId: version.normId,
      number: version.number,
      title: version.title,
      preamble: version.preamble,
      sourceLanguage: version.sourceLanguage,
      sourceLanguageName: languageName(version.sourceLanguage, language),
      frozen: version.frozenAt !== null,
      frozenOn: version.frozenAt ? dateFormat.format(version.frozenAt) : null,
      createdOn: dateFormat.format(version.createdAt),
      basedOnVersionId: version.basedOnVersionId,
    },
    clauses: clauses.map((clause) => ({
      id: clause.id,
      label: clause.label,
      heading: clause.heading,
      text: clause.text,
    })),
    translations: targetLanguages(version.sourceLanguage).map((code) => {
      const entry = coverage.find((row) => row.language === code)
      return { code, name: languageName(code, language), clauses: entry?.clauses ?? 0, title: entry?.title ?? false }
    }),
    versions: listVersionsOfNorm(db, version.normId).map((other) => ({ id: other.id, number: other.number })),
    rounds: (() => {
      const titles = new Map(listRoundTitles(db, language).map((row) => [row.id, row]))
      return listRounds(db, language)
        .filter((round) => round.versionId === version.id)
        .map((round) => ({
          id: round.id,
          title: titles.get(round.id)?.title ?? round.title,
          titleLanguage: titles.get(round.id)?.language ?? language,
          state: round.state,
        }))
    })(),
  }
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireRole(request, 'moderator')
  const versionId = readId(params.versionId)
  invariantResponse(versionId)
  const formData = await readFormData(request)
  if (formData.get('intent') === 'newVersion') {
    const created = createVersionFrom(db, versionId, user.id)
    invariantResponse(created)
    return redirectWithFlash(`/moderate/versions/${created}`, { key: 'norms:flash.versionCreated' })
  }
  const submission = parseSubmission(formData, draftSchema)
  if (submission.status !== 'success') return replyUnfinished(submission.reply(), submission.status)
  const { title, preamble, sourceLanguage, clauses } = submission.value
  try {
    const updated = updateDraft(db, versionId, {
      title,
      preamble: preamble ?? '',
      sourceLanguage,
      clauses: clauses.map((clause) => ({ label: clause.label, heading: clause.heading || null, text: clause.text })),
    })
    invariantResponse(updated)
  } catch (error) {
    // A round opened on this version since the form was loaded: nothing is changed.
    if (error instanceof FrozenVersionError) {
      return data(submission.reply({ formErrors: ['errors.frozen'] }), { status: 409 })
    }
    throw error
  }
  return redirectWithFlash(`/moderate/versions/${versionId}`, { key: 'norms:flash.saved' })
}

export default function VersionPage() {
  const { t } = useTranslation('norms')
  const { version, clauses, translations, versions, rounds, language } = useLoaderData<typeof loader>()
  const previous = versions.find((other) => other.id === version.basedOnVersionId)
  // A round froze the version while it was being edited: the editor stays, with what was typed.
  const conflict = useActionData<typeof action>()?.error?.['']?.includes('errors.frozen') ?? false
  return (
    <article className="page moderation" aria-labelledby="version-title">
      <p className="breadcrumbs">
        <Link to="/moderate">{t('dashboard.title')}</Link>
      </p>
      <h1 id="version-title">
        <Foreign lang={version.sourceLanguage} pageLanguage={language}>
          {version.title}
        </Foreign>
      </h1>
      <p className="version-meta">
        <span>{t('version.number', { number: version.number })}</span>{' '}
        {version.frozen ? (
          <span className="badge badge--warn">{t('version.frozen')}</span>
        ) : (
          <span className="badge badge--ok">{t('version.editable')}</span>
        )}
      </p>
      <dl className="facts">
        <div>
          <dt>{t('version.sourceLanguage')}</dt>
          <dd>{version.sourceLanguageName}</dd>
        </div>
        <div>
          <dt>{t('version.created')}</dt>
          <dd>{version.createdOn}</dd>
        </div>
        {version.frozenOn ? (
          <div>
            <dt>{t('version.frozenOn')}</dt>
            <dd>{version.frozenOn}</dd>
          </div>
        ) : null}
        {previous ? (
          <div>
            <dt>{t('version.basedOn')}</dt>
            <dd>
              <Link to={`/moderate/versions/${previous.id}`}>{t('version.number', { number: previous.number })}</Link>
            </dd>
          </div>
        ) : null}
        {rounds.length ? (
          <div>
            <dt>{t('version.usedBy')}</dt>
            <dd>
              <ul className="inline-list">
                {rounds.map((round) => (
                  <li key={round.id}>
                    <Link to={`/moderate/rounds/${round.id}/questions`}>
                      <Foreign lang={round.titleLanguage} pageLanguage={language}>
                        {round.title}
                      </Foreign>
                    </Link>{' '}
                    <span className="badge">{t(`rounds.state.${round.state}`)}</span>
                  </li>
                ))}
              </ul>
            </dd>
          </div>
        ) : null}
      </dl>

      <nav aria-label={t('version.actions')}>
        <ul className="action-list">
          <li>
            <Link to={`/moderate/versions/${version.id}/translate`}>{t('version.translate')}</Link>
          </li>
          {previous ? (
            <li>
              <Link to={`/moderate/versions/compare?from=${previous.id}&to=${version.id}`}>
                {t('version.compareWith', { number: previous.number })}
              </Link>
            </li>
          ) : null}
          <li>
            <Link to={`/moderate/rounds/new?versionId=${version.id}`}>{t('version.openRound')}</Link>
          </li>
        </ul>
      </nav>

      {versions.length > 1 ? (
        <nav aria-label={t('version.allVersions')}>
          <h2>{t('version.allVersions')}</h2>
          <ol className="inline-list">
            {versions.map((other) => (
              <li key={other.id}>
                {other.id === version.id ? (
                  <span aria-current="page">{t('version.number', { number: other.number })}</span>
                ) : (
                  <Link to={`/moderate/versions/${other.id}`}>{t('version.number', { number: other.number })}</Link>
                )}
              </li>
            ))}
          </ol>
        </nav>
      ) : null}

      {version.frozen && !conflict ? <FrozenText /> : <DraftEditor />}
      {version.frozen ? <NewVersion /> : null}

      <section aria-labelledby="translations-title">
        <h2 id="translations-title">{t('version.translationsTitle')}</h2>
        <div className="table-scroll" role="region" aria-labelledby="translations-caption" tabIndex={0}>
          <table className="table">
            <caption id="translations-caption">{t('version.translationsCaption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('version.language')}</th>
                <th scope="col">{t('version.titleTranslated')}</th>
                <th scope="col" className="number">
                  {t('version.clausesTranslated')}
                </th>
                <th scope="col">{t('dashboard.col.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {translations.map((translation) => (
                <tr key={translation.code}>
                  <th scope="row">{translation.name}</th>
                  <td>{translation.title ? t('version.yes') : t('version.no')}</td>
                  <td className="number">
                    {t('version.ofClauses', { done: translation.clauses, count: clauses.length })}
                  </td>
                  <td>
                    <Link to={`/moderate/versions/${version.id}/translate?lang=${translation.code}`}>
                      {t('version.translateInto', { language: translation.name })}
                    </Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </article>
  )
}

/** The text of a version a round uses, read only. */
function FrozenText() {
  const { t } = useTranslation('norms')
  const { version, clauses, language } = useLoaderData<typeof loader>()
  return (
    <section aria-labelledby="text-title">
      <h2 id="text-title">{t('version.textTitle')}</h2>
      <Foreign lang={version.sourceLanguage} pageLanguage={language} as="div" className="norm-text">
        {version.preamble ? <p className="norm-text__preamble">{version.preamble}</p> : null}
        <ol className="clauses">
          {clauses.map((clause) => (
            <Fragment key={clause.id}>
              {clause.heading ? (
                <li className="clauses__heading">
                  <h3>{clause.heading}</h3>
                </li>
              ) : null}
              <li className="clause" id={`clause-${clause.label}`}>
                <span className="clause__label">{clause.label}</span>{' '}
                <span className="clause__text">{clause.text}</span>
              </li>
            </Fragment>
          ))}
        </ol>
      </Foreign>
    </section>
  )
}

/** A frozen version's way forward: the next version, made from it. */
function NewVersion() {
  const { t } = useTranslation('norms')
  const submitting = useNavigation().state === 'submitting'
  return (
    <section aria-labelledby="next-title" className="card">
      <h2 id="next-title">{t('version.nextTitle')}</h2>
      <p>{t('version.frozenExplained')}</p>
      <Form method="post">
        <button type="submit" name="intent" value="newVersion" className="button" disabled={submitting}>
          {t('version.newVersion')}
        </button>
      </Form>
    </section>
  )
}

/** The editor of a version no round uses yet. */
function DraftEditor() {
  const { t } = useTranslation('norms')
  const { version, clauses } = useLoaderData<typeof loader>()
  const lastResult = useActionData<typeof action>()
  const submitting = useNavigation().state === 'submitting'
  const [form] = useForm({
    id: 'draft',
    lastResult,
    constraint: getZodConstraint(draftSchema),
    shouldValidate: 'onBlur',
    shouldRevalidate: 'onInput',
    defaultValue: draftDefaults({ ...version, clauses }),
    onValidate: ({ formData }) => parseWithZod(formData, { schema: draftSchema, errorMap: formErrorMap }),
  })
  return (
    <section aria-labelledby="edit-title">
      <h2 id="edit-title">{t('version.editTitle')}</h2>
      <p className="field__hint">{t('version.editHint')}</p>
      <Form method="post" {...getFormProps(form)} className="form">
        <DraftFields
          form={form}
          languageOptions={languageOptions(version.sourceLanguage)}
          intent="save"
          submitLabel={t('version.save')}
        />
        <div className="actions">
          <button type="submit" name="intent" value="save" className="button" disabled={submitting}>
            {t('version.save')}
          </button>
        </div>
      </Form>
    </section>
  )
}
