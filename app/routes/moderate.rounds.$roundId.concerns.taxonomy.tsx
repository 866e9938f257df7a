import { getFormProps, getInputProps, getSelectProps, getTextareaProps, useForm, type FieldMetadata } from '@conform-to/react'
import { getZodConstraint, parseWithZod } from '@conform-to/zod'
import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useLocation, useNavigation } from '@remix-run/react'
import type { ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { CommentText } from '~/components/comment-text'
import { ErrorSummary, type SummaryError } from '~/components/error-summary'
import { ErrorList } from '~/components/forms'
import { languageName } from '~/modules/comments/languages'
import {
  addConcernSchema,
  CONCERN_KEY_MAX,
  CONCERN_KEY_PATTERN,
  cleanKeywords,
  cleanLabels,
  keywordsSchema,
  LABEL_MAX,
  mergeSchema,
  REASON_MAX,
  renameConcernSchema,
  SPLIT_MAX,
  splitSchema,
} from '~/modules/concerns/concerns.schema'
import {
  addConcern,
  confirmedComments,
  listTaxonomy,
  mergeConcerns,
  renameConcern,
  setConcernKeywords,
  splitConcern,
  type TaxonomyError,
} from '~/modules/concerns/taxonomy.server'
import { type Language } from '~/modules/i18n/i18n'
import { getFixedT } from '~/modules/i18n/i18n.server'
import { formErrorMap } from '~/modules/norms/forms'
import { readId } from '~/modules/norms/forms.server'
import { countryName } from '~/modules/regions/regions'
import { getRound } from '~/modules/rounds/rounds.server'
import cssHref from '~/styles/concerns.css'
import { requireRole } from '~/utils/auth.server'
import { db } from '~/utils/db.server'
import { redirectWithFlash } from '~/utils/flash.server'
import { badRequest, invariantResponse, readFormData } from '~/utils/http.server'

export const handle = { i18n: ['concerns', 'comments'] }

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: cssHref }]

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? 'Concord' }]

/** The six languages of the interface in the UN's order (English alphabetical): Arabic, Chinese, English, French, Russian, Spanish. */
const FORM_LANGUAGES: readonly Language[] = ['ar', 'zh', 'en', 'fr', 'ru', 'es']

function shown(labels: Record<string, string>, language: string, key: string) {
  if (labels[language]) return { text: labels[language]!, lang: language }
  if (labels.en) return { text: labels.en, lang: 'en' }
  return { text: key, lang: language }
}

function readKey(value: string | null) {
  return value && value.length <= CONCERN_KEY_MAX && CONCERN_KEY_PATTERN.test(value) ? value : null
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireRole(request, 'moderator')
  const roundId = readId(params.roundId)
  invariantResponse(roundId)
  const { t, language } = await getFixedT(request, 'concerns')
  const round = getRound(db, roundId, language)
  invariantResponse(round)
  const url = new URL(request.url)
  const concerns = listTaxonomy(db, roundId).map((concern) => ({
    key: concern.key,
    label: shown(concern.labels, language, concern.key),
    labels: concern.labels,
    keywords: concern.keywords,
    uses: concern.uses,
  }))
  const languages = FORM_LANGUAGES.map((code) => ({ code, name: languageName(code, language) }))
  const base = { language, roundId, concerns, languages }
  const editKey = url.searchParams.get('edit')
  const splitKey = url.searchParams.get('split')
  if (editKey !== null) {
    const concern = concerns.find((entry) => entry.key === readKey(editKey))
    invariantResponse(concern)
    return { ...base, title: `${t('taxonomy.editTitle', { label: concern.label.text })} · Concord`, mode: 'edit' as const, concern, split: null }
  }
  if (splitKey !== null) {
    const concern = concerns.find((entry) => entry.key === readKey(splitKey))
    invariantResponse(concern)
    const found = confirmedComments(db, roundId, concern.key, SPLIT_MAX)
    return {
      ...base,
      title: `${t('taxonomy.splitTitle', { label: concern.label.text })} · Concord`,
      mode: 'split' as const,
      concern,
      split: {
        more: found.more,
        comments: found.comments.map((comment) => ({
          id: comment.id,
          text: comment.text,
          language: comment.language,
          category: comment.category,
          country: comment.countryCode ? countryName(comment.countryCode, language) : null,
        })),
      },
    }
  }
  return { ...base, title: `${t('taxonomy.title')} · ${round.title} · Concord`, mode: 'list' as const, concern: null, split: null }
}

const SCHEMAS = {
  add: addConcernSchema,
  rename: renameConcernSchema,
  keywords: keywordsSchema,
  merge: mergeSchema,
  split: splitSchema,
} as const
type Intent = keyof typeof SCHEMAS

const ERROR_FIELDS: Record<TaxonomyError, string> = {
  roundUnknown: '',
  concernUnknown: '',
  keyTaken: 'key',
  sameConcern: 'into',
  commentUnknown: 'comments',
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireRole(request, 'moderator')
  const roundId = readId(params.roundId)
  invariantResponse(roundId)
  const formData = await readFormData(request)
  const intent = formData.get('intent')
  if (typeof intent !== 'string' || !(intent in SCHEMAS)) throw new Response('Bad request', { status: 400 })
  const schema = SCHEMAS[intent as Intent]
  let submission
  try {
    submission = parseWithZod(formData, { schema, errorMap: formErrorMap })
  } catch {
    throw new Response('Bad request', { status: 400 })
  }
  if (submission.status !== 'success') return badRequest({ intent, result: submission.reply() })
  const { language } = await getFixedT(request, 'concerns')
  const value = submission.value
  const act = { roundId, actorId: user.id, reason: 'reason' in value ? (value.reason ?? null) : null }
  const refused = (error: TaxonomyError) => {
    invariantResponse(error !== 'roundUnknown')
    const field = ERROR_FIELDS[error]
    const message = `errors.${error}`
    return badRequest({ intent, result: submission.reply(field ? { fieldErrors: { [field]: [message] } } : { formErrors: [message] }) })
  }
  const base = `/moderate/rounds/${roundId}/concerns/taxonomy`
  const labelOf = (labels: Record<string, string>, key: string) => shown(labels, language, key).text
  switch (value.intent) {
    case 'add': {
      const labels = cleanLabels(value.labels)
      const result = addConcern(db, { ...act, concern: { key: value.key, labels, keywords: cleanKeywords(value.keywords) } })
      if (!result.ok) return refused(result.error)
      return redirectWithFlash(`${base}#concern-${value.key}`, { key: 'concerns:flash.added', values: { label: labelOf(labels, value.key) } })
    }
    case 'rename': {
      const labels = cleanLabels(value.labels)
      const result = renameConcern(db, { ...act, key: value.concern, labels })
      if (!result.ok) return refused(result.error)
      return redirectWithFlash(`${base}#concern-${value.concern}`, {
        key: result.changed ? 'concerns:flash.renamed' : 'concerns:flash.unchanged',
        values: { label: labelOf(labels, value.concern) },
      })
    }
    case 'keywords': {
      const result = setConcernKeywords(db, { ...act, key: value.concern, keywords: cleanKeywords(value.keywords) })
      if (!result.ok) return refused(result.error)
      return redirectWithFlash(`${base}#concern-${value.concern}`, {
        key: result.changed ? 'concerns:flash.keywordsSaved' : 'concerns:flash.keywordsUnchanged',
        values: { key: value.concern },
      })
    }
    case 'merge': {
      const concerns = new Map(listTaxonomy(db, roundId).map((concern) => [concern.key, concern]))
      const result = mergeConcerns(db, { ...act, from: value.from, into: value.into })
      if (!result.ok) return refused(result.error)
      return redirectWithFlash(`${base}#concern-${value.into}`, {
        key: 'concerns:flash.merged',
        values: {
          from: labelOf(concerns.get(value.from)?.labels ?? {}, value.from),
          into: labelOf(concerns.get(value.into)?.labels ?? {}, value.into),
        },
      })
    }
    case 'split': {
      const labels = cleanLabels(value.labels)
      const result = splitConcern(db, {
        ...act,
        from: value.from,
        concern: { key: value.key, labels, keywords: cleanKeywords(value.keywords) },
        commentIds: value.comments,
      })
      if (!result.ok) return refused(result.error)
      return redirectWithFlash(`${base}#concern-${value.key}`, {
        key: 'concerns:flash.split',
        values: { count: result.moved, label: labelOf(labels, value.key) },
      })
    }
  }
  // Unreachable: every intent is handled above.
  throw new Response('Bad request', { status: 400 })
}

type LoaderData = ReturnType<typeof useLoaderData<typeof loader>>
type Concern = LoaderData['concerns'][number]
type LanguageOption = LoaderData['languages'][number]

export default function Taxonomy() {
  const data = useLoaderData<typeof loader>()
  const { t } = useTranslation('concerns')
  // Every navigation (the redirect after an act included) starts with fresh forms; a refused
  // submission is no navigation and keeps what the moderator typed.
  const location = useLocation()
  return (
    <section key={location.key} className="concerns-page" aria-labelledby="taxonomy-heading">
      <h1 id="taxonomy-heading">{t('taxonomy.title')}</h1>
      {data.mode === 'list' ? <TaxonomyList /> : null}
      {data.mode === 'edit' && data.concern ? <EditConcern key={data.concern.key} concern={data.concern} /> : null}
      {data.mode === 'split' && data.concern && data.split ? <SplitConcern key={data.concern.key} concern={data.concern} split={data.split} /> : null}
    </section>
  )
}

/** Text in a language that may differ from the page's: marked, with its direction left to the text. */
function Lang({ lang, page, children }: { lang: string; page: string; children: ReactNode }) {
  return lang === page ? <>{children}</> : <span lang={lang} dir="auto">{children}</span>
}

function TaxonomyList() {
  const { t } = useTranslation('concerns')
  const { concerns, languages, language, roundId } = useLoaderData<typeof loader>()
  return (
    <>
      <p className="lead">{t('taxonomy.intro')}</p>
      <ul className="concerns-links">
        <li>
          <Link to={`/moderate/rounds/${roundId}/concerns`}>{t('taxonomy.toBoard')}</Link>
        </li>
        <li>
          <a href="#add-heading">{t('taxonomy.addTitle')}</a>
        </li>
        <li>
          <a href="#merge-heading">{t('taxonomy.mergeTitle')}</a>
        </li>
      </ul>
      <section aria-labelledby="list-heading">
        <h2 id="list-heading">{t('taxonomy.listTitle')}</h2>
        {concerns.length === 0 ? <p>{t('taxonomy.none')}</p> : null}
        {concerns.map((concern) => (
          <article key={concern.key} id={`concern-${concern.key}`} className="card concern-card" aria-labelledby={`concern-${concern.key}-heading`}>
            <h3 id={`concern-${concern.key}-heading`}>
              <Lang lang={concern.label.lang} page={language}>
                {concern.label.text}
              </Lang>{' '}
              <code className="concern-key">{concern.key}</code>
            </h3>
            <p className="muted">
              {t('taxonomy.uses', {
                moderator: concern.uses.moderator,
                author: concern.uses.author,
                suggested: concern.uses.suggested,
              })}
            </p>
            <div className="table-scroll" role="region" aria-labelledby={`concern-${concern.key}-caption`} tabIndex={0}>
              <table className="table concern-labels">
                <caption id={`concern-${concern.key}-caption`}>{t('taxonomy.tableCaption', { label: concern.label.text })}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('taxonomy.language')}</th>
                    <th scope="col">{t('taxonomy.label')}</th>
                    <th scope="col">{t('taxonomy.keywords')}</th>
                  </tr>
                </thead>
                <tbody>
                  {languages.map((option) => {
                    const label = concern.labels[option.code]
                    const keywords = concern.keywords[option.code] ?? []
                    return (
                      <tr key={option.code}>
                        <th scope="row">{option.name}</th>
                        <td>
                          {label ? (
                            <Lang lang={option.code} page={language}>
                              {label}
                            </Lang>
                          ) : (
                            <span className="muted">{t('taxonomy.missing')}</span>
                          )}
                        </td>
                        <td>
                          {keywords.length ? (
                            <ul className="keyword-list" lang={option.code} dir="auto">
                              {keywords.map((keyword) => (
                                <li key={keyword}>{keyword}</li>
                              ))}
                            </ul>
                          ) : (
                            <span className="muted">{t('taxonomy.noKeywords')}</span>
                          )}
                        </td>
                      </tr>
                    )
                  })}
                </tbody>
              </table>
            </div>
            <ul className="concerns-links">
              <li>
                <Link to={`?edit=${concern.key}`}>
                  {t('taxonomy.edit')}
                  <span className="visually-hidden"> · {concern.label.text}</span>
                </Link>
              </li>
              <li>
                <Link to={`?split=${concern.key}`}>
                  {t('taxonomy.split')}
                  <span className="visually-hidden"> · {concern.label.text}</span>
                </Link>
              </li>
              <li>
                <Link to={`/moderate/rounds/${roundId}/concerns/${concern.key}`}>
                  {t('taxonomy.comments')}
                  <span className="visually-hidden"> · {concern.label.text}</span>
                </Link>
              </li>
            </ul>
          </article>
        ))}
      </section>
      <AddConcern />
      {concerns.length > 1 ? <MergeConcerns /> : null}
    </>
  )
}

/** The action's answer for this form, when the last submission was this form's. */
function useLastResult(intent: string) {
  const actionData = useActionData<typeof action>()
  return actionData && actionData.intent === intent ? actionData.result : undefined
}

function summaryErrors(formId: string, errors: Record<string, string[] | null | undefined>): SummaryError[] {
  return Object.entries(errors).flatMap(([name, messages]) =>
    (messages ?? []).map((message) => ({ message, href: name ? `#${formId}-${name}` : undefined })),
  )
}

type Field = FieldMetadata<string | undefined, Record<string, unknown>, string[]>

/** Conform's metadata of a field, as the shared controls take it. */
const asField = (meta: unknown) => meta as Field

function TextInput({ meta, label, hint, lang, ...rest }: { meta: Field; label: ReactNode; hint?: ReactNode; lang?: string; maxLength?: number; autoComplete?: string }) {
  const { key, ...props } = getInputProps(meta, { type: 'text', ariaDescribedBy: hint ? meta.descriptionId : undefined })
  return (
    <div className="field">
      <label htmlFor={meta.id}>{label}</label>
      {hint ? (
        <p id={meta.descriptionId} className="field__hint">
          {hint}
        </p>
      ) : null}
      <input key={key} {...props} {...rest} lang={lang} dir={lang ? 'auto' : undefined} />
      <ErrorList id={meta.errorId} errors={meta.errors} ns="concerns" />
    </div>
  )
}

function Hidden({ meta }: { meta: Field }) {
  const { key, ...props } = getInputProps(meta, { type: 'hidden' })
  return <input key={key} {...props} />
}

function TextArea({ meta, label, lang, rows = 3, hintId }: { meta: Field; label: ReactNode; lang?: string; rows?: number; hintId?: string }) {
  const { key, ...props } = getTextareaProps(meta, { ariaDescribedBy: hintId })
  return (
    <div className="field">
      <label htmlFor={meta.id}>{label}</label>
      <textarea key={key} {...props} rows={rows} lang={lang} dir={lang ? 'auto' : undefined} />
      <ErrorList id={meta.errorId} errors={meta.errors} ns="concerns" />
    </div>
  )
}

function LabelFields({ fields, languages, legend }: { fields: Record<Language, Field>; languages: LanguageOption[]; legend: string }) {
  const { t } = useTranslation('concerns')
  return (
    <fieldset className="fieldset">
      <legend>{legend}</legend>
      <p className="field__hint">{t('form.labelsHint', { max: LABEL_MAX })}</p>
      <div className="language-grid">
        {languages.map((option) => (
          <TextInput
            key={option.code}
            meta={fields[option.code]}
            label={option.code === 'en' ? t('form.labelInRequired', { language: option.name }) : t('form.labelIn', { language: option.name })}
            lang={option.code}
            maxLength={LABEL_MAX}
          />
        ))}
      </div>
    </fieldset>
  )
}

function KeywordFields({ fields, languages, formId }: { fields: Record<Language, Field>; languages: LanguageOption[]; formId: string }) {
  const { t } = useTranslation('concerns')
  const hintId = `${formId}-keywords-hint`
  return (
    <fieldset className="fieldset">
      <legend>{t('form.keywords')}</legend>
      <p id={hintId} className="field__hint">
        {t('form.keywordsHint')}
      </p>
      <div className="language-grid">
        {languages.map((option) => (
          <TextArea
            key={option.code}
            meta={fields[option.code]}
            label={t('form.keywordsIn', { language: option.name })}
            lang={option.code}
            hintId={hintId}
          />
        ))}
      </div>
    </fieldset>
  )
}

function ReasonField({ meta }: { meta: Field }) {
  const { t } = useTranslation('concerns')
  return <TextInput meta={meta} label={t('form.reason')} hint={t('form.reasonHint', { max: REASON_MAX })} maxLength={REASON_MAX} />
}

function FormSummary({ formId, errors, focusKey }: { formId: string; errors: Record<string, string[] | null | undefined>; focusKey: unknown }) {
  const { t } = useTranslation('concerns')
  const list = summaryErrors(formId, errors)
  return <ErrorSummary id={`${formId}-summary`} title={t('form.problems', { count: list.length })} errors={list} ns="concerns" focusKey={focusKey} />
}

function AddConcern() {
  const { t } = useTranslation('concerns')
  const { languages } = useLoaderData<typeof loader>()
  const lastResult = useLastResult('add')
  const submitting = useNavigation().state === 'submitting'
  const [form, fields] = useForm({
    id: 'add-concern',
    lastResult,
    constraint: getZodConstraint(addConcernSchema),
    shouldValidate: 'onBlur',
    onValidate: ({ formData }) => parseWithZod(formData, { schema: addConcernSchema, errorMap: formErrorMap }),
  })
  const labels = fields.labels.getFieldset() as unknown as Record<Language, Field>
  const keywords = fields.keywords.getFieldset() as unknown as Record<Language, Field>
  return (
    <section aria-labelledby="add-heading" className="card">
      <h2 id="add-heading">{t('taxonomy.addTitle')}</h2>
      <p>{t('taxonomy.addIntro')}</p>
      <Form method="post" {...getFormProps(form)} className="form">
        <FormSummary formId={form.id} errors={form.allErrors} focusKey={lastResult} />
        <TextInput
          meta={asField(fields.key)}
          label={t('form.key')}
          hint={t('form.keyHint', { max: CONCERN_KEY_MAX })}
          maxLength={CONCERN_KEY_MAX}
          autoComplete="off"
        />
        <LabelFields fields={labels} languages={languages} legend={t('form.labels')} />
        <KeywordFields fields={keywords} languages={languages} formId={form.id} />
        <ReasonField meta={asField(fields.reason)} />
        <div className="actions">
          <button type="submit" name="intent" value="add" className="button" disabled={submitting}>
            {t('taxonomy.add')}
          </button>
        </div>
      </Form>
    </section>
  )
}

function MergeConcerns() {
  const { t } = useTranslation('concerns')
  const { concerns } = useLoaderData<typeof loader>()
  const lastResult = useLastResult('merge')
  const submitting = useNavigation().state === 'submitting'
  const [form, fields] = useForm({
    id: 'merge-concerns',
    lastResult,
    constraint: getZodConstraint(mergeSchema),
    shouldValidate: 'onBlur',
    onValidate: ({ formData }) => parseWithZod(formData, { schema: mergeSchema, errorMap: formErrorMap }),
  })
  const option = (concern: Concern) => (
    <option key={concern.key} value={concern.key} lang={concern.label.lang}>
      {`${concern.label.text} (${concern.key})`}
    </option>
  )
  const select = (meta: Field, label: string, hint: string) => {
    const { key, ...props } = getSelectProps(meta, { ariaDescribedBy: meta.descriptionId })
    return (
      <div className="field">
        <label htmlFor={meta.id}>{label}</label>
        <p id={meta.descriptionId} className="field__hint">
          {hint}
        </p>
        <select key={key} {...props}>
          <option value="">{t('form.choose')}</option>
          {concerns.map(option)}
        </select>
        <ErrorList id={meta.errorId} errors={meta.errors} ns="concerns" />
      </div>
    )
  }
  return (
    <section aria-labelledby="merge-heading" className="card">
      <h2 id="merge-heading">{t('taxonomy.mergeTitle')}</h2>
      <p>{t('taxonomy.mergeIntro')}</p>
      <Form method="post" {...getFormProps(form)} className="form">
        <FormSummary formId={form.id} errors={form.allErrors} focusKey={lastResult} />
        {select(asField(fields.from), t('form.mergeFrom'), t('form.mergeFromHint'))}
        {select(asField(fields.into), t('form.mergeInto'), t('form.mergeIntoHint'))}
        <ReasonField meta={asField(fields.reason)} />
        <div className="actions">
          <button type="submit" name="intent" value="merge" className="button button--danger" disabled={submitting}>
            {t('taxonomy.merge')}
          </button>
        </div>
      </Form>
    </section>
  )
}

function BackToList() {
  const { t } = useTranslation('concerns')
  return (
    <p className="breadcrumbs">
      <Link to=".">{t('taxonomy.back')}</Link>
    </p>
  )
}

function EditConcern({ concern }: { concern: Concern }) {
  const { t } = useTranslation('concerns')
  const { languages, language } = useLoaderData<typeof loader>()
  const renameResult = useLastResult('rename')
  const keywordsResult = useLastResult('keywords')
  const submitting = useNavigation().state === 'submitting'
  const [renameForm, renameFields] = useForm({
    id: 'rename-concern',
    lastResult: renameResult,
    constraint: getZodConstraint(renameConcernSchema),
    shouldValidate: 'onBlur',
    defaultValue: { concern: concern.key, labels: concern.labels },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: renameConcernSchema, errorMap: formErrorMap }),
  })
  const [keywordsForm, keywordsFields] = useForm({
    id: 'concern-keywords',
    lastResult: keywordsResult,
    constraint: getZodConstraint(keywordsSchema),
    shouldValidate: 'onBlur',
    defaultValue: {
      concern: concern.key,
      keywords: Object.fromEntries(Object.entries(concern.keywords).map(([code, list]) => [code, list.join('\n')])),
    },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: keywordsSchema, errorMap: formErrorMap }),
  })
  const otherKeywordLanguages = Object.keys(concern.keywords).filter((code) => !languages.some((option) => option.code === code))
  return (
    <>
      <BackToList />
      <h2 id="edit-heading">
        {t('taxonomy.editHeading')}{' '}
        <Lang lang={concern.label.lang} page={language}>
          {concern.label.text}
        </Lang>{' '}
        <code className="concern-key">{concern.key}</code>
      </h2>
      <p>{t('taxonomy.editIntro')}</p>
      <section aria-labelledby="rename-heading" className="card">
        <h3 id="rename-heading">{t('taxonomy.renameTitle')}</h3>
        <Form method="post" {...getFormProps(renameForm)} className="form">
          <FormSummary formId={renameForm.id} errors={renameForm.allErrors} focusKey={renameResult} />
          <Hidden meta={asField(renameFields.concern)} />
          <LabelFields fields={renameFields.labels.getFieldset() as unknown as Record<Language, Field>} languages={languages} legend={t('form.labels')} />
          <ReasonField meta={asField(renameFields.reason)} />
          <div className="actions">
            <button type="submit" name="intent" value="rename" className="button" disabled={submitting}>
              {t('taxonomy.saveLabels')}
            </button>
          </div>
        </Form>
      </section>
      <section aria-labelledby="keywords-heading" className="card">
        <h3 id="keywords-heading">{t('taxonomy.keywordsTitle')}</h3>
        <p>{t('taxonomy.keywordsIntro')}</p>
        {otherKeywordLanguages.length ? (
          <p className="field__hint">{t('taxonomy.otherLanguages', { languages: otherKeywordLanguages.join(', ') })}</p>
        ) : null}
        <Form method="post" {...getFormProps(keywordsForm)} className="form">
          <FormSummary formId={keywordsForm.id} errors={keywordsForm.allErrors} focusKey={keywordsResult} />
          <Hidden meta={asField(keywordsFields.concern)} />
          <KeywordFields
            fields={keywordsFields.keywords.getFieldset() as unknown as Record<Language, Field>}
            languages={languages}
            formId={keywordsForm.id}
          />
          <ReasonField meta={asField(keywordsFields.reason)} />
          <div className="actions">
            <button type="submit" name="intent" value="keywords" className="button" disabled={submitting}>
              {t('taxonomy.saveKeywords')}
            </button>
          </div>
        </Form>
      </section>
    </>
  )
}

function SplitConcern({ concern, split }: { concern: Concern; split: NonNullable<LoaderData['split']> }) {
  const { t } = useTranslation(['concerns', 'comments'])
  const { languages, language } = useLoaderData<typeof loader>()
  const lastResult = useLastResult('split')
  const submitting = useNavigation().state === 'submitting'
  const [form, fields] = useForm({
    id: 'split-concern',
    lastResult,
    constraint: getZodConstraint(splitSchema),
    shouldValidate: 'onBlur',
    defaultValue: { from: concern.key },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: splitSchema, errorMap: formErrorMap }),
  })
  const initial = fields.comments.initialValue as string[] | string | undefined
  const chosen = new Set(typeof initial === 'string' ? [initial] : (initial ?? []))
  const commentsId = `${form.id}-comments`
  return (
    <>
      <BackToList />
      <h2 id="split-heading">
        {t('taxonomy.splitHeading')}{' '}
        <Lang lang={concern.label.lang} page={language}>
          {concern.label.text}
        </Lang>{' '}
        <code className="concern-key">{concern.key}</code>
      </h2>
      <p>{t('taxonomy.splitIntro')}</p>
      <Form method="post" {...getFormProps(form)} className="form">
        <FormSummary formId={form.id} errors={form.allErrors} focusKey={lastResult} />
        <Hidden meta={asField(fields.from)} />
        <section aria-labelledby="split-new-heading" className="card">
          <h3 id="split-new-heading">{t('taxonomy.splitNew')}</h3>
          <TextInput
            meta={asField(fields.key)}
            label={t('form.key')}
            hint={t('form.keyHint', { max: CONCERN_KEY_MAX })}
            maxLength={CONCERN_KEY_MAX}
            autoComplete="off"
          />
          <LabelFields fields={fields.labels.getFieldset() as unknown as Record<Language, Field>} languages={languages} legend={t('form.labels')} />
          <KeywordFields fields={fields.keywords.getFieldset() as unknown as Record<Language, Field>} languages={languages} formId={form.id} />
        </section>
        <fieldset className="fieldset" id={commentsId} aria-describedby={fields.comments.errors?.length ? `${commentsId}-error` : undefined}>
          <legend>{t('taxonomy.splitComments')}</legend>
          <p className="field__hint">{split.more ? t('taxonomy.splitMore', { max: SPLIT_MAX }) : t('taxonomy.splitHint')}</p>
          <ErrorList id={`${commentsId}-error`} errors={fields.comments.errors} ns="concerns" />
          {split.comments.length === 0 ? <p>{t('taxonomy.splitNone')}</p> : null}
          <ul className="comment-choices">
            {split.comments.map((comment) => (
              <li key={comment.id} className="comment-choice">
                <input
                  type="checkbox"
                  id={`${commentsId}-${comment.id}`}
                  name="comments"
                  value={String(comment.id)}
                  defaultChecked={chosen.has(String(comment.id))}
                  aria-describedby={`${commentsId}-${comment.id}-text`}
                />
                <div>
                  <label htmlFor={`${commentsId}-${comment.id}`}>
                    {t('board.commentNumber', { id: comment.id })}{' '}
                    <span className="muted">
                      {t('common:categories.' + comment.category)}
                      {comment.country ? ` · ${comment.country}` : ''}
                    </span>
                  </label>
                  <div id={`${commentsId}-${comment.id}-text`}>
                    <CommentText text={comment.text} language={comment.language} className="comment-excerpt" />
                  </div>
                </div>
              </li>
            ))}
          </ul>
        </fieldset>
        <ReasonField meta={asField(fields.reason)} />
        <div className="actions">
          <button type="submit" name="intent" value="split" className="button" disabled={submitting || split.comments.length === 0}>
            {t('taxonomy.splitSubmit')}
          </button>
          <Link to=".">{t('taxonomy.cancel')}</Link>
        </div>
      </Form>
    </>
  )
}
