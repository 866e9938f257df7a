import {
  data,
  MaxPartSizeExceededError,
  unstable_createMemoryUploadHandler,
  unstable_parseMultipartFormData,
  type ActionFunctionArgs,
  type LinksFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
} from '@remix-run/node'
import { Form, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useEffect, useRef } from 'react'
import { useTranslation } from 'react-i18next'
import {
  checkCommentFile,
  discardCheckedFile,
  formatOf,
  IMPORT_COLUMNS,
  importComments,
  keepCheckedFile,
  MAX_FILE_BYTES,
  MAX_FILE_LABEL,
  readCheckedFile,
  startImportJob,
  type RawRow,
  type RowError,
} from '~/modules/comments/transfer.server'
import { getFixedT } from '~/modules/i18n/i18n.server'
import { getRound } from '~/modules/rounds/rounds.server'
import cssHref from '~/styles/transfer.css'
import { requireRole } from '~/utils/auth.server'
import { db } from '~/utils/db.server'
import { redirectWithFlash } from '~/utils/flash.server'
import { invariantResponse } from '~/utils/http.server'

export const handle = { i18n: ['transfer'] }

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: cssHref }]

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? 'Concord' }]

/** Files with more rows are imported in the background, with a progress page. */
const IMPORT_NOW_MAX_ROWS = 200

function readRoundId(value: string | undefined) {
  const id = Number(value)
  invariantResponse(value && /^[1-9]\d{0,11}$/.test(value) && Number.isSafeInteger(id), 'Not found')
  return id
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireRole(request, 'moderator')
  const roundId = readRoundId(params.roundId)
  const { t, language } = await getFixedT(request, 'transfer')
  const round = getRound(db, roundId, language)
  invariantResponse(round)
  return { title: `${t('import.title')} · ${round.title} · Concord`, roundId, maxSize: MAX_FILE_LABEL, columns: [...IMPORT_COLUMNS] }
}

type Problems = { errors: RowError[]; errorCount: number }
type ActionData =
  | { step: 'refused'; problem: RowError }
  | ({ step: 'problems'; fileName: string; preview: RawRow[] } & Problems)
  | { step: 'ready'; fileName: string; token: string; rows: number; labelled: number; preview: RawRow[] }

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireRole(request, 'moderator')
  const roundId = readRoundId(params.roundId)
  invariantResponse(getRound(db, roundId, 'en'))
  const refused = (reason: string, status: number, values?: Record<string, string | number>) =>
    data<ActionData>({ step: 'refused', problem: { line: null, field: null, reason, values } }, { status })

  // The upload limit plus room for the form's other fields and the multipart framing.
  if (Number(request.headers.get('Content-Length') ?? 0) > MAX_FILE_BYTES + 64 * 1024) {
    return refused('errors.tooLarge', 413, { max: MAX_FILE_LABEL })
  }
  let formData: FormData
  try {
    formData = (request.headers.get('Content-Type') ?? '').startsWith('multipart/form-data')
      ? await unstable_parseMultipartFormData(request, unstable_createMemoryUploadHandler({ maxPartSize: MAX_FILE_BYTES }))
      : await request.formData()
  } catch (error) {
    if (error instanceof MaxPartSizeExceededError) return refused('errors.tooLarge', 413, { max: MAX_FILE_LABEL })
    return refused('form.unreadable', 400)
  }
  const intent = formData.get('intent')
  const token = String(formData.get('token') ?? '')

  if (intent === 'discard') {
    discardCheckedFile(token)
    return redirectWithFlash(`/moderate/rounds/${roundId}/import`, { key: 'transfer:flash.discarded' })
  }

  if (intent === 'check') {
    const file = formData.get('file')
    if (!(file instanceof File) || file.size === 0) return refused('form.fileRequired', 400)
    const bytes = new Uint8Array(await file.arrayBuffer())
    const format = formatOf(file.name, bytes.subarray(0, 64)) ?? 'csv'
    const checked = await checkCommentFile(db, roundId, bytes, format)
    if (!checked.ok) {
      return data<ActionData>(
        { step: 'problems', fileName: file.name, preview: checked.preview, errors: checked.errors, errorCount: checked.errorCount },
        { status: 400 },
      )
    }
    const kept = keepCheckedFile(bytes, { roundId, userId: user.id, format, name: file.name, rows: checked.rows.length })
    return data<ActionData>({
      step: 'ready',
      fileName: file.name,
      token: kept,
      rows: checked.rows.length,
      labelled: checked.rows.filter((row) => row.concerns.length > 0).length,
      preview: checked.preview,
    })
  }

  if (intent === 'import') {
    const kept = readCheckedFile(token, roundId, user.id)
    if (!kept) return refused('form.expired', 400)
    // Checked again: the round's clauses and concerns may have changed since.
    const checked = await checkCommentFile(db, roundId, kept.bytes, kept.meta.format)
    discardCheckedFile(token)
    if (!checked.ok) {
      return data<ActionData>(
        { step: 'problems', fileName: kept.meta.name, preview: checked.preview, errors: checked.errors, errorCount: checked.errorCount },
        { status: 400 },
      )
    }
    if (checked.rows.length > IMPORT_NOW_MAX_ROWS) {
      const job = startImportJob(db, { roundId, userId: user.id, rows: checked.rows, fileName: kept.meta.name })
      return redirectWithFlash(`/moderate/rounds/${roundId}/import/${job.id}`, { key: 'transfer:flash.started' })
    }
    const result = await importComments(db, roundId, checked.rows, user.id, { fileName: kept.meta.name })
    if (!result.ok) {
      return data<ActionData>(
        { step: 'problems', fileName: kept.meta.name, preview: checked.preview, errors: result.errors, errorCount: result.errorCount },
        { status: 400 },
      )
    }
    return redirectWithFlash(`/moderate/rounds/${roundId}/import`, { key: 'transfer:flash.imported', values: { count: result.imported } })
  }

  return refused('form.unreadable', 400)
}

export default function ImportComments() {
  const { t } = useTranslation('transfer')
  const { columns, maxSize } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const navigation = useNavigation()
  const busy = navigation.state === 'submitting' ? navigation.formData?.get('intent') : null
  const problemsRef = useRef<HTMLHeadingElement>(null)
  const fileError = actionData?.step === 'refused' ? actionData.problem : null

  useEffect(() => {
    if (actionData?.step === 'problems') problemsRef.current?.focus()
  }, [actionData])

  return (
    <section className="page transfer" aria-labelledby="import-heading">
      <h1 id="import-heading">{t('import.title')}</h1>
      <p className="lead">{t('import.intro')}</p>
      <p className="transfer__note">{t('import.anonymous')}</p>
      <FormatHelp columns={columns} />

      {actionData?.step === 'ready' ? (
        <section className="card transfer__ready" aria-labelledby="ready-heading">
          <h2 id="ready-heading">{t('check.ready', { count: actionData.rows })}</h2>
          <p>
            {t('check.readyFile', { file: actionData.fileName })} {t('check.labelled', { count: actionData.labelled })}
          </p>
          <Preview rows={actionData.preview} total={actionData.rows} />
          <Form method="post" className="actions">
            <input type="hidden" name="token" value={actionData.token} />
            <button type="submit" name="intent" value="import" className="button" disabled={Boolean(busy)}>
              {t('check.import', { count: actionData.rows })}
            </button>
            <button type="submit" name="intent" value="discard" className="button button--quiet" disabled={Boolean(busy)}>
              {t('check.discard')}
            </button>
          </Form>
        </section>
      ) : (
        <Form method="post" encType="multipart/form-data" className="form card">
          {fileError ? (
            <div className="form-errors" role="alert" id="file-error">
              <p>{t(fileError.reason, fileError.values)}</p>
            </div>
          ) : null}
          <fieldset className="fieldset">
            <legend>{t('import.legend')}</legend>
            <div className="field">
              <label htmlFor="import-file">{t('import.file')}</label>
              <p id="import-file-hint" className="field__hint">
                {t('import.fileHint', { max: maxSize })}
              </p>
              <input
                id="import-file"
                name="file"
                type="file"
                required
                accept=".csv,.jsonl,.ndjson,text/csv,application/jsonl,application/x-ndjson"
                aria-describedby={fileError ? 'import-file-hint file-error' : 'import-file-hint'}
                aria-invalid={fileError ? true : undefined}
              />
            </div>
          </fieldset>
          <div className="actions">
            <button type="submit" name="intent" value="check" className="button" disabled={Boolean(busy)}>
              {t('import.check')}
            </button>
          </div>
        </Form>
      )}

      <p className="visually-hidden" role="status" aria-live="polite">
        {busy === 'check' ? t('import.checking') : busy === 'import' ? t('import.importing') : ''}
      </p>

      {actionData?.step === 'problems' ? (
        <section className="transfer__problems" aria-labelledby="problems-heading">
          <h2 id="problems-heading" ref={problemsRef} tabIndex={-1}>
            {t('check.problems', { count: actionData.errorCount })}
          </h2>
          <p>{t('check.nothingImported', { file: actionData.fileName })}</p>
          <ProblemTable errors={actionData.errors} errorCount={actionData.errorCount} />
          {actionData.preview.length ? <Preview rows={actionData.preview} total={null} /> : null}
        </section>
      ) : null}
    </section>
  )
}

function FormatHelp({ columns }: { columns: string[] }) {
  const { t } = useTranslation('transfer')
  return (
    <details className="format-help">
      <summary>{t('format.title')}</summary>
      <p>{t('format.intro')}</p>
      <dl className="transfer__columns">
        {columns.map((column) => (
          <div key={column}>
            <dt>
              <code>{column}</code>
            </dt>
            <dd>{t(`columns.${column}`)}</dd>
          </div>
        ))}
      </dl>
      <p>{t('format.jsonl')}</p>
    </details>
  )
}

/** The problems found, by line. */
function ProblemTable({ errors, errorCount }: { errors: RowError[]; errorCount: number }) {
  const { t, i18n } = useTranslation('transfer')
  const numbers = new Intl.NumberFormat(i18n.language)
  return (
    <>
      <div className="table-scroll" role="region" aria-labelledby="problems-caption" tabIndex={0}>
        <table className="table transfer__table">
          <caption id="problems-caption">{t('check.problemsCaption')}</caption>
          <thead>
            <tr>
              <th scope="col" className="number">
                {t('check.line')}
              </th>
              <th scope="col">{t('check.column')}</th>
              <th scope="col">{t('check.problem')}</th>
            </tr>
          </thead>
          <tbody>
            {errors.map((error, index) => (
              <tr key={`${error.line ?? 0}-${error.field ?? ''}-${index}`}>
                <th scope="row" className="number">
                  {error.line === null ? t('check.wholeFile') : numbers.format(error.line)}
                </th>
                <td>{error.field ? <code>{error.field}</code> : '—'}</td>
                <td dir="auto">{t(error.reason, error.values)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {errorCount > errors.length ? <p>{t('check.more', { count: errorCount - errors.length })}</p> : null}
    </>
  )
}

const PREVIEW_COLUMNS = ['external_id', 'clause', 'stakeholder_category', 'organization', 'country', 'language', 'position', 'text', 'concerns'] as const

function Preview({ rows, total }: { rows: RawRow[]; total: number | null }) {
  const { t, i18n } = useTranslation('transfer')
  const numbers = new Intl.NumberFormat(i18n.language)
  return (
    <div className="table-scroll" role="region" aria-labelledby="preview-caption" tabIndex={0}>
      <table className="table transfer__table transfer__preview">
        <caption id="preview-caption">
          {total === null ? t('check.previewCaption', { count: rows.length }) : t('check.previewOf', { count: rows.length, total: numbers.format(total) })}
        </caption>
        <thead>
          <tr>
            <th scope="col" className="number">
              {t('check.line')}
            </th>
            {PREVIEW_COLUMNS.map((column) => (
              <th scope="col" key={column}>
                <code>{column}</code>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.line}>
              <th scope="row" className="number">
                {numbers.format(row.line)}
              </th>
              {PREVIEW_COLUMNS.map((column) => {
                const value = row.values[column] ?? ''
                const chars = Array.from(value)
                return (
                  <td key={column} dir="auto" className={column === 'text' ? 'transfer__text' : undefined}>
                    {chars.length > 200 ? `${chars.slice(0, 200).join('')}…` : value}
                  </td>
                )
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

export { GeneralErrorBoundary as ErrorBoundary } from '~/components/error-boundary'
