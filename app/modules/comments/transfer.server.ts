/**
 * Import and export of a round's comments in the file format of DESIGN.md ("Comment file format"):
 * UTF-8 CSV with a header row, or JSON Lines with the same keys.
 *
 * Import runs in three steps, so that a file is either imported whole or not at all:
 * 1. parseCommentFile reads the bytes as a stream (at most MAX_FILE_BYTES, UTF-8 only) through a
 *    streaming parser (csv-parse, or node:readline for JSON Lines) into raw rows, each with the
 *    physical line where it starts;
 * 2. validateRows checks every row (zod for the fields, then the round's clauses, concerns and the
 *    countries table, loaded once) and reports every bad row by line, field and reason;
 * 3. importComments analyses the rows (language, fingerprints, concern suggestions: pure computing,
 *    in worker threads or in slices that give the event loop back) and stores them in one transaction with prepared
 *    statements: duplicates are grouped as they go in, the model learns the confirmed concerns once,
 *    counters and duplicate groups are brought up to date once at the end, and one audit entry
 *    records the import.
 *
 * Reasons are i18n keys of the `transfer` namespace (`errors.*`), translated where they are shown.
 */
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import readline from 'node:readline'
import { Readable, Transform, type TransformCallback, type Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { CsvError, parse as parseCsv, type Options as CsvOptions } from 'csv-parse'
import { and, asc, eq, gt, inArray, sql } from 'drizzle-orm'
import { z } from 'zod'
import {
  clauses,
  commentConcerns,
  comments,
  concerns,
  countries,
  dispositions,
  rounds,
  POSITIONS,
  STAKEHOLDER_CATEGORIES,
  type Position,
  type StakeholderCategory,
} from '#db/schema/index'
import { learnConfirmed, loadModel } from '~/modules/concerns/concerns.server'
import { appendAudit } from '~/modules/moderation/audit.server'
import { findDuplicate, type DuplicateMatch } from '~/modules/moderation/duplicates.server'
import { bands, bestNear, CANDIDATES_PER_BAND } from '~/modules/moderation/duplicates'
import type { Db } from '~/utils/db.server'
import { logError } from '~/utils/log.server'
import { characterCount, COMMENT_MAX, PROPOSED_MAX } from './comments.schema'
import { newReceipt } from './comments.server'
import { analyseComment, type Analysed, type AnalysisInput } from './analysis'
import { analysisThreads, AnalysisThreads, streamingThreads } from './analysis-pool.server'

export const FILE_FORMATS = ['csv', 'jsonl'] as const
export type FileFormat = (typeof FILE_FORMATS)[number]

/** The largest file accepted, by the command line and by the upload form. */
export const MAX_FILE_BYTES = 50 * 1024 * 1024
export const MAX_FILE_LABEL = '50 MB'
/** Errors kept for the report; the rest are counted. */
export const MAX_REPORTED_ERRORS = 1000
export const PREVIEW_ROWS = 20

/** The columns of an import file, in DESIGN.md's order. */
export const IMPORT_COLUMNS = [
  'external_id',
  'clause',
  'stakeholder_category',
  'organization',
  'country',
  'language',
  'position',
  'text',
  'proposed_text',
  'concerns',
] as const
export type ImportColumn = (typeof IMPORT_COLUMNS)[number]

/** The columns an export adds; a file exported from Concord may be imported again, these are ignored. */
export const EXPORT_ONLY_COLUMNS = [
  'id',
  'receipt',
  'detected_language',
  'status',
  'duplicate_group',
  'disposition',
  'suggested_concerns',
] as const
export const EXPORT_COLUMNS = [
  'id',
  'receipt',
  ...IMPORT_COLUMNS,
  'detected_language',
  'status',
  'duplicate_group',
  'disposition',
  'suggested_concerns',
] as const
export type ExportColumn = (typeof EXPORT_COLUMNS)[number]

/** One problem with a file: the line it is on (null for the file as a whole), the column, and why. */
export type RowError = {
  line: number | null
  field: string | null
  reason: string
  values?: Record<string, string | number>
}

export type RawRow = { line: number; values: Partial<Record<ImportColumn, string>> }

export type ParseResult =
  | { ok: true; rows: RawRow[] }
  | { ok: false; rows: RawRow[]; errors: RowError[]; errorCount: number }

/** The file format from a file name, else from its first bytes (`{` starts a JSON Lines file). */
export function formatOf(fileName: string | null | undefined, head?: Uint8Array): FileFormat | null {
  const extension = path.extname(fileName ?? '').toLowerCase()
  if (extension === '.csv') return 'csv'
  if (extension === '.jsonl' || extension === '.ndjson') return 'jsonl'
  if (!head?.length) return null
  let start = 0
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) start = 3
  while (start < head.length && (head[start] === 0x20 || head[start] === 0x0a || head[start] === 0x0d || head[start] === 0x09)) start++
  return head[start] === 0x7b ? 'jsonl' : 'csv'
}

/** A problem that stops reading the file (too large, not UTF-8, not parseable). */
class FileProblem extends Error {
  constructor(readonly problem: RowError) {
    super(problem.reason)
  }
}

/** A cell value shortened for a message. */
function excerpt(value: string, max = 60) {
  const chars = Array.from(value)
  return chars.length > max ? `${chars.slice(0, max).join('')}…` : value
}

/**
 * Passes the bytes of a file through while it counts them (refusing more than the limit), checks
 * that they are UTF-8 (a fatal streaming TextDecoder), and records where each line starts, so that
 * a record's byte offset gives its physical line. A line ends at LF, CRLF or a lone CR.
 */
class FileGuard extends Transform {
  bytes = 0
  /** Byte offsets where lines 2, 3, … start. */
  readonly lineStarts: number[] = []
  private readonly decoder = new TextDecoder('utf-8', { fatal: true })
  /** The bytes of a UTF-8 sequence cut by the end of the last chunk. */
  private pending: Uint8Array = new Uint8Array(0)
  /** Where a line would start after a CR that ended the last chunk (-1: none). */
  private afterCr = -1

  constructor(private readonly limit: number) {
    super()
  }

  /** The 1-based line of a byte offset. */
  lineAt(offset: number) {
    let low = 0
    let high = this.lineStarts.length
    while (low < high) {
      const mid = (low + high) >>> 1
      if (this.lineStarts[mid]! <= offset) low = mid + 1
      else high = mid
    }
    return low + 1
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback) {
    const start = this.bytes
    this.bytes += chunk.length
    if (this.bytes > this.limit) {
      done(new FileProblem({ line: null, field: null, reason: 'errors.tooLarge', values: { max: MAX_FILE_LABEL } }))
      return
    }
    if (start === 0 && chunk.length >= 2 && ((chunk[0] === 0xff && chunk[1] === 0xfe) || (chunk[0] === 0xfe && chunk[1] === 0xff))) {
      done(new FileProblem({ line: 1, field: null, reason: 'errors.utf16' }))
      return
    }
    const starts = this.lineStarts
    let i = 0
    if (this.afterCr >= 0) {
      if (chunk[0] !== 0x0a) starts.push(this.afterCr)
      this.afterCr = -1
    }
    for (const length = chunk.length; i < length; i++) {
      const byte = chunk[i]
      if (byte === 0x0a) starts.push(start + i + 1)
      else if (byte === 0x0d) {
        if (i + 1 === length) this.afterCr = start + i + 1
        else if (chunk[i + 1] !== 0x0a) starts.push(start + i + 1)
      }
    }
    try {
      this.decoder.decode(chunk, { stream: true })
    } catch {
      done(new FileProblem({ line: this.lineAt(this.invalidOffset(chunk, start)), field: null, reason: 'errors.notUtf8' }))
      return
    }
    this.pending = incompleteTail(this.pending, chunk)
    done(null, chunk)
  }

  override _flush(done: TransformCallback) {
    if (this.afterCr >= 0) this.lineStarts.push(this.afterCr)
    try {
      this.decoder.decode()
    } catch {
      done(new FileProblem({ line: this.lineAt(Math.max(0, this.bytes - 1)), field: null, reason: 'errors.notUtf8' }))
      return
    }
    done()
  }

  /** The offset of the first byte that is not UTF-8: the shortest prefix a fresh decoder refuses. */
  private invalidOffset(chunk: Buffer, start: number) {
    const data = Buffer.concat([this.pending, chunk])
    let low = 1
    let high = data.length
    while (low < high) {
      const mid = (low + high) >>> 1
      try {
        new TextDecoder('utf-8', { fatal: true }).decode(data.subarray(0, mid), { stream: true })
        low = mid + 1
      } catch {
        high = mid
      }
    }
    return start - this.pending.length + low - 1
  }
}

/** The trailing bytes of an unfinished UTF-8 sequence after this chunk (given what was pending). */
function incompleteTail(pending: Uint8Array, chunk: Uint8Array): Uint8Array {
  const tail = chunk.length >= 4 ? chunk.subarray(chunk.length - 4) : Buffer.concat([pending, chunk]).subarray(-4)
  for (let j = tail.length - 1; j >= 0 && j >= tail.length - 4; j--) {
    const byte = tail[j]!
    if ((byte & 0xc0) === 0x80) continue
    const need = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1
    return tail.length - j < need ? tail.slice(j) : new Uint8Array(0)
  }
  return new Uint8Array(0)
}

/** A readable stream of the input, in slices, so a buffer is checked as a file would be. */
function toStream(input: Uint8Array | Readable | AsyncIterable<Uint8Array>): Readable {
  if (input instanceof Readable) return input
  if (input instanceof Uint8Array) {
    const bytes = input
    return Readable.from(
      (function* () {
        for (let offset = 0; offset < bytes.length; offset += 64 * 1024) yield Buffer.from(bytes.subarray(offset, offset + 64 * 1024))
      })(),
    )
  }
  return Readable.from(input)
}

/**
 * OWASP's CSV injection defence: a cell that begins with = + - @ TAB or CR is written with a leading
 * single quote, so spreadsheets show it as text. A cell that already begins with quotes before such a
 * character gets one more, so that `unneutralise` gives back exactly what was stored.
 */
const FORMULA_START = /^'*[=+\-@\t\r]/
export function neutraliseCell(value: string) {
  return FORMULA_START.test(value) ? `'${value}` : value
}
/**
 * One CSV field as RFC 4180 writes it: in double quotes, inner quotes doubled, when it holds a
 * comma, a quote or a line break; as it is otherwise. (csv-stringify does the same; it is not a
 * dependency of Concord, and these three lines are the whole of what the export needs.)
 */
export function csvField(value: string) {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value
}
function unneutralise(value: string) {
  return /^'+[=+\-@\t\r]/.test(value) ? value.slice(1) : value
}
/** Cells that name things, where a formula can only be an attack: refused when not neutralised. */
const NAME_CELLS: ReadonlySet<string> = new Set(['external_id', 'organization'])

function problemsOfHeader(found: string[], format: FileFormat): RowError | null {
  const known = new Set<string>([...IMPORT_COLUMNS, ...EXPORT_ONLY_COLUMNS])
  const unknown = found.filter((name) => !known.has(name))
  const missing = IMPORT_COLUMNS.filter((name) => !found.includes(name))
  const repeated = found.filter((name, index) => found.indexOf(name) !== index)
  if (format === 'csv' && found.length === 1 && /[;\t|]/.test(found[0] ?? '')) {
    return { line: 1, field: null, reason: 'errors.headerSeparator' }
  }
  if (!unknown.length && !missing.length && !repeated.length) return null
  return {
    line: 1,
    field: null,
    reason: 'errors.header',
    values: {
      unknown: unknown.map((name) => excerpt(name, 40)).join(', ') || '—',
      missing: missing.join(', ') || '—',
      repeated: [...new Set(repeated)].join(', ') || '—',
      expected: IMPORT_COLUMNS.join(', '),
    },
  }
}

class ErrorList {
  readonly errors: RowError[] = []
  count = 0
  add(error: RowError) {
    this.count++
    if (this.errors.length < MAX_REPORTED_ERRORS) this.errors.push(error)
  }
}

/**
 * Reads a comment file into raw rows. Nothing is checked against the database here: only the bytes
 * (size, UTF-8), the structure (header, cells per row, CSV quoting, JSON) and formula cells.
 */
export async function parseCommentFile(input: Uint8Array | Readable | AsyncIterable<Uint8Array>, format: FileFormat): Promise<ParseResult> {
  const guard = new FileGuard(MAX_FILE_BYTES)
  const rows: RawRow[] = []
  const problems = new ErrorList()
  try {
    if (format === 'csv') await readCsv(toStream(input), guard, rows, problems)
    else await readJsonLines(toStream(input), guard, rows, problems)
  } catch (error) {
    if (error instanceof FileProblem) problems.add(error.problem)
    else throw error
  }
  if (!problems.count && !rows.length) problems.add({ line: null, field: null, reason: guard.bytes ? 'errors.noRows' : 'errors.empty' })
  if (problems.count) return { ok: false, rows: rows.slice(0, PREVIEW_ROWS), errors: problems.errors, errorCount: problems.count }
  return { ok: true, rows }
}

function csvProblem(error: CsvError, line: number): RowError {
  if (error.code === 'CSV_QUOTE_NOT_CLOSED') return { line, field: null, reason: 'errors.csvQuoteNotClosed' }
  if (error.code === 'INVALID_OPENING_QUOTE' || error.code === 'CSV_INVALID_CLOSING_QUOTE') {
    return { line, field: null, reason: 'errors.csvQuote' }
  }
  return { line, field: null, reason: 'errors.csvInvalid' }
}

/**
 * CSV through csv-parse's stream. A record's line is where it starts: the line of the byte after the
 * record before it (csv-parse's own `info.lines` is where a record ends, and counts a CRLF inside
 * quotes twice), from the byte offsets csv-parse reports and the line starts FileGuard noted.
 */
async function readCsv(source: Readable, guard: FileGuard, rows: RawRow[], problems: ErrorList) {
  // Each record carries the byte offset where it starts (the end of the record before it), noted as
  // csv-parse makes it; a parse error is then placed on the line where its record starts.
  let parsedEnd = 0
  const options: CsvOptions<{ record: string[]; start: number }, string[]> = {
    bom: true,
    relax_column_count: true,
    skip_empty_lines: false,
    on_record: (record, context) => {
      const start = parsedEnd
      parsedEnd = context.bytes
      return { record, start }
    },
  }
  const parser = parseCsv(options as unknown as CsvOptions)
  let header: string[] | null = null
  // The error that stopped reading, kept: a stream broken off reports a plain abort instead.
  let stop: FileProblem | null = null
  guard.once('error', (error) => {
    if (error instanceof FileProblem) stop ??= error
  })
  try {
    await pipeline(source, guard, parser, async (records: AsyncIterable<{ record: string[]; start: number }>) => {
      for await (const { record, start } of records) {
        const line = guard.lineAt(start)
        if (record.length === 1 && record[0] === '') continue
        if (!header) {
          header = record.map((name) => name.trim())
          const problem = problemsOfHeader(header, 'csv')
          if (problem) throw (stop = new FileProblem(problem))
          continue
        }
        if (record.length !== header.length) {
          problems.add({ line, field: null, reason: 'errors.cellCount', values: { found: record.length, expected: header.length } })
          continue
        }
        const values: RawRow['values'] = {}
        for (let i = 0; i < header.length; i++) {
          const name = header[i] as ImportColumn
          if (!(IMPORT_COLUMNS as readonly string[]).includes(name)) continue
          const cell = record[i]!
          if (NAME_CELLS.has(name) && /^[=+\-@\t\r]/.test(cell)) {
            problems.add({ line, field: name, reason: 'errors.formula', values: { value: excerpt(cell) } })
          }
          values[name] = unneutralise(cell)
        }
        rows.push({ line, values })
      }
    })
  } catch (error) {
    if (stop) throw stop
    if (error instanceof CsvError) throw new FileProblem(csvProblem(error, guard.lineAt(parsedEnd)))
    throw error
  }
}

const JSON_KEYS: ReadonlySet<string> = new Set([...IMPORT_COLUMNS, ...EXPORT_ONLY_COLUMNS])

async function readJsonLines(source: Readable, guard: FileGuard, rows: RawRow[], problems: ErrorList) {
  const reported = new Set<string>()
  let stop: unknown = null
  const checked = source.pipe(guard)
  source.on('error', (error) => guard.destroy(error))
  guard.on('error', (error) => {
    stop ??= error
    source.destroy()
  })
  // readline ends each line at LF, CRLF or a lone CR, as FileGuard counts them.
  const lines = readline.createInterface({ input: checked, crlfDelay: Infinity })
  let line = 0
  try {
    for await (let text of lines) {
      line++
      if (line === 1 && text.startsWith('\uFEFF')) text = text.slice(1)
      if (!text.trim()) continue
      let value: unknown
      try {
        value = JSON.parse(text)
      } catch {
        problems.add({ line, field: null, reason: 'errors.jsonInvalid' })
        continue
      }
      if (!value || typeof value !== 'object' || Array.isArray(value)) {
        problems.add({ line, field: null, reason: 'errors.jsonNotObject' })
        continue
      }
      const object = value as Record<string, unknown>
      const unknown = Object.keys(object).filter((key) => !JSON_KEYS.has(key))
      const fresh = unknown.filter((key) => !reported.has(key))
      if (fresh.length) {
        for (const key of fresh) reported.add(key)
        problems.add({
          line,
          field: null,
          reason: 'errors.jsonKeys',
          values: { unknown: fresh.map((key) => excerpt(key, 40)).join(', '), expected: IMPORT_COLUMNS.join(', ') },
        })
      }
      const values: RawRow['values'] = {}
      for (const name of IMPORT_COLUMNS) {
        const cell = object[name]
        if (cell === undefined || cell === null) values[name] = ''
        else if (typeof cell === 'string') values[name] = cell
        else if (typeof cell === 'number' && (name === 'clause' || name === 'external_id')) values[name] = String(cell)
        else if (name === 'concerns' && Array.isArray(cell) && cell.every((key) => typeof key === 'string')) values[name] = cell.join(';')
        else problems.add({ line, field: name, reason: 'errors.jsonType' })
      }
      rows.push({ line, values })
    }
  } catch (error) {
    throw stop ?? error
  } finally {
    lines.close()
  }
  if (stop) throw stop
}

// ---------------------------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------------------------

/** A row that passed every check, with the round's references resolved by key. */
export type ImportRow = {
  line: number
  externalId: string | null
  clauseLabel: string | null
  category: StakeholderCategory
  organization: string | null
  countryCode: string | null
  language: string | null
  position: Position | null
  text: string
  proposedText: string | null
  concerns: string[]
}

export type ValidationResult = { ok: true; rows: ImportRow[] } | { ok: false; errors: RowError[]; errorCount: number }

function isLanguageTag(value: string) {
  if (!value) return true
  if (value.length > 35 || !/^[a-zA-Z]{2,3}(?:-[a-zA-Z0-9]{1,8})*$/.test(value)) return false
  try {
    return Intl.getCanonicalLocales(value).length === 1
  } catch {
    return false
  }
}

function canonicalLanguage(value: string) {
  return value ? (Intl.getCanonicalLocales(value)[0] ?? value) : null
}

const cell = z.string().default('')

/** The checks of one row that need no database. Messages are i18n keys. */
export const importRowSchema = z.object({
  external_id: cell.pipe(z.string().trim().max(200, 'errors.externalIdTooLong')),
  clause: cell.pipe(z.string().trim().max(50, 'errors.clauseUnknown')),
  stakeholder_category: cell.pipe(
    z
      .string()
      .trim()
      .min(1, 'errors.categoryRequired')
      .pipe(z.enum(STAKEHOLDER_CATEGORIES, { errorMap: () => ({ message: 'errors.categoryUnknown' }) })),
  ),
  organization: cell.pipe(z.string().trim().max(300, 'errors.organizationTooLong')),
  country: cell.pipe(
    z
      .string()
      .trim()
      .toUpperCase()
      .regex(/^(?:[A-Z]{2})?$/, 'errors.countryUnknown'),
  ),
  language: cell.pipe(z.string().trim().refine(isLanguageTag, 'errors.languageInvalid')),
  position: cell.pipe(
    z
      .string()
      .trim()
      .toLowerCase()
      .refine((value): value is Position | '' => value === '' || (POSITIONS as readonly string[]).includes(value), 'errors.positionInvalid'),
  ),
  text: cell
    .refine((text) => text.trim().length > 0, 'errors.textRequired')
    .refine((text) => characterCount(text) <= COMMENT_MAX, { message: 'errors.textTooLong' }),
  proposed_text: cell.refine((text) => characterCount(text) <= PROPOSED_MAX, 'errors.proposedTooLong'),
  concerns: cell.pipe(
    z
      .string()
      .transform((value) => [...new Set(value.split(';').map((key) => key.trim()).filter(Boolean))])
      .pipe(z.array(z.string().max(64, 'errors.concernUnknown').regex(/^[a-z0-9_-]+$/, 'errors.concernUnknown'))),
  ),
})

/** What a file may refer to in a round: its clauses by label, its concerns by key, the countries. */
type RoundRefs = {
  clauses: Map<string, number>
  concerns: Map<string, number>
  countries: Map<string, { regionCode: string; subregionCode: string }>
  externalIds: Set<string>
}

function loadRefs(db: Db, roundId: number): RoundRefs | null {
  const round = db.select({ versionId: rounds.versionId }).from(rounds).where(eq(rounds.id, roundId)).get()
  if (!round) return null
  return {
    clauses: new Map(
      db
        .select({ id: clauses.id, label: clauses.label })
        .from(clauses)
        .where(eq(clauses.versionId, round.versionId))
        .all()
        .map((row) => [row.label, row.id]),
    ),
    concerns: new Map(
      db
        .select({ id: concerns.id, key: concerns.key })
        .from(concerns)
        .where(eq(concerns.roundId, roundId))
        .all()
        .map((row) => [row.key, row.id]),
    ),
    countries: new Map(
      db
        .select({ code: countries.code, regionCode: countries.regionCode, subregionCode: countries.subregionCode })
        .from(countries)
        .all()
        .map((row) => [row.code, { regionCode: row.regionCode, subregionCode: row.subregionCode }]),
    ),
    externalIds: new Set(
      db
        .selectDistinct({ externalId: comments.externalId })
        .from(comments)
        .where(and(eq(comments.roundId, roundId), sql`${comments.externalId} is not null`))
        .all()
        .map((row) => row.externalId!),
    ),
  }
}

/** The checks against the round, for a row that passed the schema; pushes its problems. */
function checkRefs(row: ImportRow, refs: RoundRefs, add: (error: RowError) => void) {
  if (row.clauseLabel !== null && !refs.clauses.has(row.clauseLabel)) {
    add({ line: row.line, field: 'clause', reason: 'errors.clauseUnknown', values: { value: excerpt(row.clauseLabel) } })
  }
  if (row.countryCode !== null && !refs.countries.has(row.countryCode)) {
    add({ line: row.line, field: 'country', reason: 'errors.countryUnknown', values: { value: row.countryCode } })
  }
  const unknown = row.concerns.filter((key) => !refs.concerns.has(key))
  if (unknown.length) {
    add({ line: row.line, field: 'concerns', reason: 'errors.concernUnknown', values: { value: excerpt(unknown.join(';')) } })
  }
  if (row.externalId !== null && refs.externalIds.has(row.externalId)) {
    add({ line: row.line, field: 'external_id', reason: 'errors.externalIdImported', values: { value: excerpt(row.externalId) } })
  }
}

/**
 * Checks every row of a file for a round: the fields (zod), then the clause (a label of the round's
 * version), the country, the concern keys of the round, and external ids (unique in the file and not
 * imported into the round before). All problems are reported, up to MAX_REPORTED_ERRORS.
 */
export function validateRows(db: Db, roundId: number, raw: RawRow[]): ValidationResult {
  const refs = loadRefs(db, roundId)
  if (!refs) return { ok: false, errors: [{ line: null, field: null, reason: 'errors.roundUnknown' }], errorCount: 1 }
  const problems = new ErrorList()
  const add = (error: RowError) => problems.add(error)
  const seen = new Map<string, number>()
  const rows: ImportRow[] = []
  for (const { line, values } of raw) {
    const parsed = importRowSchema.safeParse(values)
    if (!parsed.success) {
      const fields = new Set<string>()
      for (const issue of parsed.error.issues) {
        const field = String(issue.path[0] ?? '')
        if (fields.has(field)) continue
        fields.add(field)
        const value = values[field as ImportColumn] ?? ''
        add({ line, field, reason: issue.message, values: { value: excerpt(value), max: field === 'proposed_text' ? PROPOSED_MAX : COMMENT_MAX } })
      }
      continue
    }
    const data = parsed.data
    const row: ImportRow = {
      line,
      externalId: data.external_id || null,
      clauseLabel: data.clause || null,
      category: data.stakeholder_category,
      organization: data.organization || null,
      countryCode: data.country || null,
      language: canonicalLanguage(data.language),
      position: data.position || null,
      text: data.text,
      proposedText: data.proposed_text.trim() ? data.proposed_text : null,
      concerns: data.concerns,
    }
    if (row.externalId !== null) {
      const first = seen.get(row.externalId)
      if (first !== undefined) {
        add({ line, field: 'external_id', reason: 'errors.externalIdRepeated', values: { value: excerpt(row.externalId), first } })
      } else seen.set(row.externalId, line)
    }
    checkRefs(row, refs, add)
    rows.push(row)
  }
  if (problems.count) return { ok: false, errors: problems.errors, errorCount: problems.count }
  return { ok: true, rows }
}

export type CheckResult =
  | { ok: true; rows: ImportRow[]; preview: RawRow[] }
  | { ok: false; errors: RowError[]; errorCount: number; preview: RawRow[] }

/** Parses and validates a file for a round: what the check step of the import shows. */
export async function checkCommentFile(
  db: Db,
  roundId: number,
  input: Uint8Array | Readable | AsyncIterable<Uint8Array>,
  format: FileFormat,
): Promise<CheckResult> {
  const parsed = await parseCommentFile(input, format)
  const preview = parsed.rows.slice(0, PREVIEW_ROWS)
  if (!parsed.ok) return { ok: false, errors: parsed.errors, errorCount: parsed.errorCount, preview }
  const validated = validateRows(db, roundId, parsed.rows)
  if (!validated.ok) return { ok: false, errors: validated.errors, errorCount: validated.errorCount, preview }
  return { ok: true, rows: validated.rows, preview }
}

// ---------------------------------------------------------------------------------------------
// Import
// ---------------------------------------------------------------------------------------------

export type ImportProgress = { phase: 'analysing' | 'saving'; done: number; total: number }

export type ImportSummary = {
  imported: number
  firstId: number | null
  lastId: number | null
  /** Comments placed in a duplicate group as they went in. */
  grouped: number
  /** Comments whose concerns the file gave (stored as the moderators' and learnt). */
  confirmed: number
  /** Comments with at least one suggested concern. */
  suggested: number
  /** Comments whose language was detected because the file left it empty. */
  detected: number
}

export type ImportResult = ({ ok: true } & ImportSummary) | { ok: false; errors: RowError[]; errorCount: number }

const SLICE_MS = 40
/** From this many distinct texts, an import is analysed in worker threads: below, starting them costs more than it saves. */
export const ANALYSIS_THREADS_FROM = 2000
/** A round with up to this many submitted comments is loaded whole for grouping an import's rows. */
export const GROUP_IN_MEMORY_UP_TO = 50_000
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve))

/**
 * Imports checked rows into a round, all or nothing. Each comment is marked imported, submitted and
 * published anonymously (the file format has no consent column), carries the author snapshot of its
 * row (category, organization, country and the country's M49 region and sub-region), gets a receipt,
 * a first revision, its detected language, fingerprints, a duplicate group when it repeats a comment
 * of the round, and its suggested concerns with their scores; the file's concerns are stored as the
 * moderators' and the round's model learns them. The round's submitted count goes up once, and one
 * audit entry `comments.import` records the import.
 *
 * The analysis runs first, in worker threads for a large file and in slices of about SLICE_MS that
 * give the event loop back (a server keeps answering, a progress bar moves); then one transaction
 * stores everything. With `stream` (the command line) the transaction stores each row as soon as
 * the threads have analysed it, while they analyse the next ones. The round's
 * references are checked again inside it, so a clause or concern removed meanwhile refuses the file.
 */
export async function importComments(
  db: Db,
  roundId: number,
  rows: ImportRow[],
  actorId: string | null,
  options: {
    onProgress?: (progress: ImportProgress) => void
    now?: Date
    fileName?: string
    /** From how many distinct texts the analysis runs in worker threads (tests set it). */
    threadsFrom?: number
    /** Up to how many submitted comments of the round grouping is done in memory (tests set it). */
    groupInMemoryUpTo?: number
    /**
     * Worker threads the caller started while it read the file, so that they have loaded their
     * sources when the analysis begins; used when the file has threadsFrom distinct texts or more,
     * and closed by the caller.
     */
    threads?: AnalysisThreads
    /**
     * Whether rows are stored while the threads analyse the next ones (AnalysisThreads.stream)
     * instead of after the whole analysis: the command line, for which the two overlap. The
     * transaction then holds this thread for the analysis too, so a server does not.
     */
    stream?: boolean
  } = {},
): Promise<ImportResult> {
  const now = options.now ?? new Date()
  const total = rows.length
  const report = options.onProgress ?? (() => {})
  const model = loadModel(db, roundId)
  // Identical texts (campaigns) are analysed once.
  const inputs: AnalysisInput[] = []
  const inputOf = new Int32Array(total)
  const byText = new Map<string, number>()
  for (let i = 0; i < total; i++) {
    const row = rows[i]!
    const labelled = row.concerns.length > 0
    const key = `${row.language ?? ''}\u0000${labelled ? 1 : 0}\u0000${row.text}`
    let index = byText.get(key)
    if (index === undefined) {
      index = inputs.push({ text: row.text, language: row.language, labelled }) - 1
      byText.set(key, index)
    }
    inputOf[i] = index
  }
  byText.clear()
  // Progress in rows of the file, whose distinct texts are what is analysed.
  const analysing = (done: number) => report({ phase: 'analysing', done: inputs.length ? Math.round((done * total) / inputs.length) : 0, total })
  const context = { now, report, fileName: options.fileName ?? null, groupInMemoryUpTo: options.groupInMemoryUpTo }
  // A large file is analysed in worker threads, on every core and off this event loop.
  const pool =
    inputs.length >= (options.threadsFrom ?? ANALYSIS_THREADS_FROM)
      ? (options.threads ?? new AnalysisThreads(options.stream ? streamingThreads() : analysisThreads()))
      : null
  try {
    if (pool && options.stream) {
      const reader = pool.stream(inputs, model)
      report({ phase: 'saving', done: 0, total })
      return storeRows(db, roundId, rows, (i) => reader.at(inputOf[i]!), actorId, context)
    }
    analysing(0)
    let results: Analysed[]
    if (pool) {
      results = await pool.analyse(inputs, model, analysing)
    } else {
      // In slices of about SLICE_MS that give the event loop back (a server keeps answering, a progress bar moves).
      results = new Array<Analysed>(inputs.length)
      let sliceStart = performance.now()
      for (let i = 0; i < inputs.length; i++) {
        results[i] = analyseComment(inputs[i]!, model)
        if (performance.now() - sliceStart > SLICE_MS) {
          analysing(i + 1)
          await yieldToEventLoop()
          sliceStart = performance.now()
        }
      }
    }
    report({ phase: 'saving', done: 0, total })
    return storeRows(db, roundId, rows, (i) => results[inputOf[i]!]!, actorId, context)
  } finally {
    if (pool && pool !== options.threads) await pool.close()
  }
}

/**
 * The counting triggers an import sets aside (by name, so a trigger added later keeps firing row by
 * row): the insert of a submitted comment (comment_counts_insert, migration 0003) and of a comment's
 * first suggested concern (comment_counts_suggestion_insert, 0004).
 */
const COUNTED_BY_IMPORT = ['comment_counts_insert', 'comment_counts_suggestion_insert']

/**
 * Adds the imported comments (ids firstId to lastId of the round, inserted by this transaction) to
 * comment_counts as the triggers set aside would have, one grouped statement per dimension.
 */
function countImported(client: Db['$client'], roundId: number, firstId: number, lastId: number, setAside: ReadonlySet<string>) {
  // One pass over the imported comments, grouped by every value a count depends on (the triggers'
  // expressions), then summed per dimension here.
  const groups = client
    .prepare(
      `select coalesce(cast(c.clause_id as text), '') as clause, c.category as category, coalesce(c.region_code, '') as region,
         coalesce(c.declared_language, '') as language, c.moderation as moderation, c.review_state as reviewState,
         c.consent <> 'private' as published,
         exists (select 1 from comment_concerns cc where cc.comment_id = c.id and cc.source = 'suggested') as suggested,
         count(*) as n
       from comments c where c.round_id = ? and c.id between ? and ? and c.imported = 1 and c.status = 'submitted'
       group by 1, 2, 3, 4, 5, 6, 7, 8`,
    )
    .all(roundId, firstId, lastId) as {
    clause: string
    category: string
    region: string
    language: string
    moderation: string
    reviewState: string
    published: number
    suggested: number
    n: number
  }[]
  const sums = new Map<string, { dimension: string; value: string; moderation: string; reviewState: string; published: number; n: number }>()
  const add = (dimension: string, value: string, group: (typeof groups)[number]) => {
    const key = JSON.stringify([dimension, value, group.moderation, group.reviewState, group.published])
    const sum = sums.get(key)
    if (sum) sum.n += group.n
    else sums.set(key, { dimension, value, moderation: group.moderation, reviewState: group.reviewState, published: group.published, n: group.n })
  }
  for (const group of groups) {
    if (setAside.has('comment_counts_insert')) {
      add('all', '', group)
      add('clause', group.clause, group)
      add('category', group.category, group)
      add('region', group.region, group)
      add('language', group.language, group)
    }
    if (setAside.has('comment_counts_suggestion_insert') && group.suggested) add('suggested', '', group)
  }
  const upsert = client.prepare(
    `insert into comment_counts (round_id, dimension, value, moderation, review_state, published, n) values (?, ?, ?, ?, ?, ?, ?)
     on conflict (round_id, dimension, value, moderation, review_state, published) do update set n = n + excluded.n`,
  )
  for (const sum of sums.values()) upsert.run(roundId, sum.dimension, sum.value, sum.moderation, sum.reviewState, sum.published, sum.n)
}

class RefsChanged extends Error {
  constructor(readonly errors: RowError[], readonly errorCount: number) {
    super('The round changed since the file was checked')
  }
}

function storeRows(
  db: Db,
  roundId: number,
  rows: ImportRow[],
  /** The analysis of row i (of its text): read once per row, in the rows' order. */
  analysedAt: (i: number) => Analysed,
  actorId: string | null,
  context: { now: Date; report: (progress: ImportProgress) => void; fileName: string | null; groupInMemoryUpTo?: number },
): ImportResult {
  const { now, report } = context
  const at = now.getTime()
  const total = rows.length
  try {
    return db.transaction((tx) => {
      const t = tx as unknown as Db
      const refs = loadRefs(t, roundId)
      if (!refs) throw new RefsChanged([{ line: null, field: null, reason: 'errors.roundUnknown' }], 1)
      const problems = new ErrorList()
      for (const row of rows) checkRefs(row, refs, (error) => problems.add(error))
      if (problems.count) throw new RefsChanged(problems.errors, problems.count)
      const threshold = t.select({ threshold: rounds.campaignThreshold }).from(rounds).where(eq(rounds.id, roundId)).get()!.threshold

      // The same connection as the transaction: its prepared statements run inside it.
      const client = db.$client
      // The triggers that count each inserted comment and its first suggestion (migrations 0003,
      // 0004) are set aside for this transaction and the counts brought up to date once at the end,
      // by the same rules (countImported); DDL is transactional, so they come back with the rows,
      // or stay as they were when the import is rolled back.
      const setAside = client
        .prepare(`select name, sql from sqlite_master where type = 'trigger' and name in (${COUNTED_BY_IMPORT.map(() => '?').join(', ')})`)
        .all(...COUNTED_BY_IMPORT) as { name: string; sql: string }[]
      for (const trigger of setAside) client.exec(`drop trigger "${trigger.name}"`)
      const insertComment = client.prepare(`
        insert into comments (round_id, clause_id, author_id, external_id, imported, position, text, proposed_text,
          declared_language, detected_language, consent, status, review_state, receipt, category, organization_name,
          country_code, region_code, subregion_code, duplicate_group_id, text_hash, minhash, created_at, submitted_at, updated_at)
        values (?, ?, null, ?, 1, ?, ?, ?, ?, ?, 'anonymous', 'submitted', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
      const insertConcern = client.prepare(
        'insert into comment_concerns (comment_id, concern_id, source, score, created_at) values (?, ?, ?, ?, ?)',
      )
      // One row a statement: measured faster than one statement of eight rows.
      const insertSketch = client.prepare('insert or ignore into comment_sketches (round_id, band, value, comment_id) values (?, ?, ?, ?)')
      const createGroup = client.prepare(
        'insert into duplicate_groups (round_id, kind, confirmed, size, is_campaign, representative_comment_id, created_at) values (?, ?, 0, 0, 0, ?, ?)',
      )
      const setGroup = client.prepare('update comments set duplicate_group_id = ? where id = ?')

      // Duplicates, as groupDuplicates places a submitted comment: with an identical comment of the
      // round if there is one (a grouped one first, then the oldest), else with the most similar at
      // NEAR_SIMILARITY or more among the comments that share an LSH band. A round of up to
      // GROUP_IN_MEMORY_UP_TO submitted comments is loaded once (hashes, signatures, groups and
      // bands) and the file's rows join it in memory as they go in; a larger one is asked row by row
      // (the database sees the rows this transaction inserted).
      const earlier = (client.prepare("select count(*) as n from comments where round_id = ? and status = 'submitted'").get(roundId) as { n: number }).n
      const inMemory = earlier <= (context.groupInMemoryUpTo ?? GROUP_IN_MEMORY_UP_TO)
      type Member = { id: number; groupId: number | null; minhash: string | null }
      const imported = new Map<number, Member>()
      /** Members by text hash, oldest first. */
      const byHash = new Map<string, Member[]>()
      /** Comment ids by band ("band:value"), oldest first. */
      const byBand = new Map<string, number[]>()
      const addToBand = (key: string, id: number) => {
        const ids = byBand.get(key)
        if (ids) ids.push(id)
        else byBand.set(key, [id])
      }
      const remember = (id: number, groupId: number | null, textHash: string, minhash: string | null, parts: string[] | null) => {
        if (!inMemory) return
        const member: Member = { id, groupId, minhash }
        imported.set(id, member)
        const same = byHash.get(textHash)
        if (same) same.push(member)
        else byHash.set(textHash, [member])
        parts?.forEach((value, band) => addToBand(`${band}:${value}`, id))
      }
      if (inMemory && earlier) {
        const rows = client
          .prepare(
            `select id, duplicate_group_id as groupId, minhash, text_hash as textHash from comments
             where round_id = ? and status = 'submitted' order by id`,
          )
          .all(roundId) as (Member & { textHash: string })[]
        for (const row of rows) remember(row.id, row.groupId, row.textHash, row.minhash, null)
        const sketches = client
          .prepare(
            `select s.band as band, s.value as value, s.comment_id as id from comment_sketches s
             join comments c on c.id = s.comment_id and c.status = 'submitted'
             where s.round_id = ? order by s.comment_id`,
          )
          .all(roundId) as { band: number; value: string; id: number }[]
        for (const sketch of sketches) addToBand(`${sketch.band}:${sketch.value}`, sketch.id)
      }
      const findDuplicateOf = (textHash: string, minhash: string | null, parts: string[] | null): DuplicateMatch | null => {
        if (!inMemory) return findDuplicate(t, { roundId, commentId: 0, textHash, minhash, parts })
        const same = byHash.get(textHash)
        const exact = same?.find((member) => member.groupId !== null) ?? same?.[0]
        if (exact) return { id: exact.id, groupId: exact.groupId, kind: 'exact' }
        if (!minhash || !parts) return null
        // As findDuplicate's query: each band's oldest CANDIDATES_PER_BAND, oldest first.
        const ids = new Set<number>()
        for (let band = 0; band < parts.length; band++) {
          const list = byBand.get(`${band}:${parts[band]}`)
          if (list) for (let j = 0, end = Math.min(list.length, CANDIDATES_PER_BAND); j < end; j++) ids.add(list[j]!)
        }
        if (!ids.size) return null
        const candidates = [...ids].sort((x, y) => x - y).map((id) => imported.get(id)!)
        const near = bestNear(minhash, candidates)
        return near ? { id: near.id, groupId: near.groupId, kind: 'near' } : null
      }

      // The random bytes of every receipt, drawn at once.
      const receiptBytes = crypto.randomBytes(12 * total)
      const touchedGroups = new Set<number>()
      const nearGroups = new Set<number>()
      const examples: { tokens: string[]; keys: string[] }[] = []
      let firstId: number | null = null
      let lastId: number | null = null
      let grouped = 0
      let suggestedCount = 0
      let detectedCount = 0
      for (let i = 0; i < total; i++) {
        const row = rows[i]!
        const facts = analysedAt(i)
        const parts = facts.minhash ? bands(facts.minhash) : null
        const match = findDuplicateOf(facts.textHash, facts.minhash, parts)
        let groupId: number | null = null
        if (match) {
          groupId = match.groupId
          if (groupId === null) {
            groupId = Number(createGroup.run(roundId, match.kind, match.id, at).lastInsertRowid)
            setGroup.run(groupId, match.id)
            const first = imported.get(match.id)
            if (first) first.groupId = groupId
          } else if (match.kind === 'near') nearGroups.add(groupId)
          touchedGroups.add(groupId)
          grouped++
        }
        const country = row.countryCode ? refs.countries.get(row.countryCode)! : null
        const labelled = row.concerns.length > 0
        const detected = facts.detected
        if (!row.language) detectedCount++
        const id = Number(
          insertComment.run(
            roundId,
            row.clauseLabel === null ? null : refs.clauses.get(row.clauseLabel)!,
            row.externalId,
            row.position,
            row.text,
            row.proposedText,
            row.language ?? detected,
            detected,
            labelled ? 'reviewed' : 'unreviewed',
            newReceipt(receiptBytes.subarray(i * 12, i * 12 + 12)),
            row.category,
            row.organization,
            row.countryCode,
            country?.regionCode ?? null,
            country?.subregionCode ?? null,
            groupId,
            facts.textHash,
            facts.minhash,
            at,
            at,
            at,
          ).lastInsertRowid,
        )
        firstId ??= id
        lastId = id
        if (parts) for (let band = 0; band < parts.length; band++) insertSketch.run(roundId, band, parts[band], id)
        remember(id, groupId, facts.textHash, facts.minhash, parts)
        for (const suggestion of facts.suggestions) {
          const concernId = refs.concerns.get(suggestion.key)
          if (concernId !== undefined) insertConcern.run(id, concernId, 'suggested', suggestion.score, at)
        }
        if (facts.suggestions.length) suggestedCount++
        if (labelled) {
          for (const key of row.concerns) insertConcern.run(id, refs.concerns.get(key)!, 'moderator', null, at)
          // A labelled row was analysed with its features kept (its input key says so).
          examples.push({ tokens: facts.tokens!, keys: row.concerns })
        }
        if ((i + 1) % 2000 === 0) report({ phase: 'saving', done: i + 1, total })
      }

      if (firstId !== null && lastId !== null) {
        // The first revision of every imported comment, in one statement.
        t.run(sql`
          insert into comment_revisions
            (comment_id, revision, status, clause_id, position, text, proposed_text, declared_language, consent, created_at)
          select id, 1, status, clause_id, position, text, proposed_text, declared_language, consent, ${at}
          from comments where round_id = ${roundId} and id between ${firstId} and ${lastId} and imported = 1`)
      }
      if (firstId !== null && lastId !== null) countImported(client, roundId, firstId, lastId, new Set(setAside.map((trigger) => trigger.name)))
      for (const trigger of setAside) client.exec(trigger.sql)
      if (touchedGroups.size) {
        const ids = JSON.stringify([...touchedGroups])
        const near = JSON.stringify([...nearGroups])
        t.run(sql`update duplicate_groups set kind = 'near' where id in (select value from json_each(${near}))`)
        t.run(sql`
          update duplicate_groups set
            size = (select count(*) from comments c where c.duplicate_group_id = duplicate_groups.id and c.status = 'submitted'),
            is_campaign = (select count(*) from comments c where c.duplicate_group_id = duplicate_groups.id and c.status = 'submitted') >= ${threshold}
          where id in (select value from json_each(${ids}))`)
      }
      t.update(rounds)
        .set({ submittedCount: sql`${rounds.submittedCount} + ${total}` })
        .where(eq(rounds.id, roundId))
        .run()
      learnConfirmed(t, roundId, examples, now)
      const summary: ImportSummary = {
        imported: total,
        firstId,
        lastId,
        grouped,
        confirmed: examples.length,
        suggested: suggestedCount,
        detected: detectedCount,
      }
      appendAudit(
        t,
        {
          roundId,
          actorId,
          action: 'comments.import',
          subjectType: 'round',
          subjectId: roundId,
          after: { ...summary, file: context.fileName },
        },
        now,
      )
      report({ phase: 'saving', done: total, total })
      return { ok: true as const, ...summary }
    })
  } catch (error) {
    if (error instanceof RefsChanged) return { ok: false, errors: error.errors, errorCount: error.errorCount }
    throw error
  }
}

// ---------------------------------------------------------------------------------------------
// Export
// ---------------------------------------------------------------------------------------------

export const EXPORT_BATCH = 1000

type ExportRow = Record<ExportColumn, string>

/** One batch of a round's submitted comments after the given id, with their concerns: three queries. */
function exportBatch(db: Db, roundId: number, afterId: number, limit: number): { rows: ExportRow[]; lastId: number | null } {
  const batch = db
    .select({
      id: comments.id,
      receipt: comments.receipt,
      externalId: comments.externalId,
      clause: clauses.label,
      category: comments.category,
      organization: comments.organizationName,
      country: comments.countryCode,
      language: comments.declaredLanguage,
      detectedLanguage: comments.detectedLanguage,
      position: comments.position,
      text: comments.text,
      proposedText: comments.proposedText,
      moderation: comments.moderation,
      hiddenReason: comments.hiddenReason,
      groupId: comments.duplicateGroupId,
    })
    .from(comments)
    .leftJoin(clauses, eq(clauses.id, comments.clauseId))
    .where(and(eq(comments.roundId, roundId), eq(comments.status, 'submitted'), gt(comments.id, afterId)))
    .orderBy(asc(comments.id))
    .limit(limit)
    .all()
  if (!batch.length) return { rows: [], lastId: null }
  const ids = batch.map((row) => row.id)
  const groupIds = [...new Set(batch.map((row) => row.groupId).filter((id): id is number => id !== null))]
  const outcomes = db
    .select({ commentId: dispositions.commentId, groupId: dispositions.duplicateGroupId, outcome: dispositions.outcome })
    .from(dispositions)
    .where(
      and(
        eq(dispositions.roundId, roundId),
        groupIds.length
          ? sql`(${inArray(dispositions.commentId, ids)} or ${inArray(dispositions.duplicateGroupId, groupIds)})`
          : inArray(dispositions.commentId, ids),
      ),
    )
    .all()
  const byComment = new Map<number, string>()
  const byGroup = new Map<number, string>()
  for (const row of outcomes) {
    if (row.commentId !== null) byComment.set(row.commentId, row.outcome)
    else if (row.groupId !== null) byGroup.set(row.groupId, row.outcome)
  }
  const labels = db
    .select({ commentId: commentConcerns.commentId, source: commentConcerns.source, score: commentConcerns.score, key: concerns.key })
    .from(commentConcerns)
    .innerJoin(concerns, eq(concerns.id, commentConcerns.concernId))
    .where(and(inArray(commentConcerns.commentId, ids), inArray(commentConcerns.source, ['moderator', 'suggested'])))
    .orderBy(asc(commentConcerns.commentId), asc(concerns.sortOrder), asc(concerns.id))
    .all()
  const confirmed = new Map<number, string[]>()
  const suggested = new Map<number, { key: string; score: number }[]>()
  for (const label of labels) {
    if (label.source === 'moderator') {
      const list = confirmed.get(label.commentId) ?? []
      list.push(label.key)
      confirmed.set(label.commentId, list)
    } else {
      const list = suggested.get(label.commentId) ?? []
      list.push({ key: label.key, score: label.score ?? 0 })
      suggested.set(label.commentId, list)
    }
  }
  const rows = batch.map(
    (row): ExportRow => ({
      id: String(row.id),
      receipt: row.receipt,
      external_id: row.externalId ?? '',
      clause: row.clause ?? '',
      stakeholder_category: row.category,
      organization: row.organization ?? '',
      country: row.country ?? '',
      language: row.language ?? '',
      position: row.position ?? '',
      text: row.text,
      proposed_text: row.proposedText ?? '',
      concerns: (confirmed.get(row.id) ?? []).join(';'),
      detected_language: row.detectedLanguage ?? '',
      status: row.moderation === 'hidden' ? `hidden:${row.hiddenReason ?? ''}` : 'visible',
      duplicate_group: row.groupId === null ? '' : String(row.groupId),
      disposition: byComment.get(row.id) ?? (row.groupId === null ? '' : (byGroup.get(row.groupId) ?? '')),
      suggested_concerns: (suggested.get(row.id) ?? [])
        .sort((a, b) => b.score - a.score)
        .map((entry) => `${entry.key}:${entry.score.toFixed(2)}`)
        .join(';'),
    }),
  )
  return { rows, lastId: batch[batch.length - 1]!.id }
}

/** The round's export rows, batch by batch, giving the event loop back between batches. */
async function* exportRows(db: Db, roundId: number, counter: { count: number }) {
  for (let afterId = 0; ; ) {
    const { rows, lastId } = exportBatch(db, roundId, afterId, EXPORT_BATCH)
    if (lastId === null) return
    counter.count += rows.length
    afterId = lastId
    yield rows
    await yieldToEventLoop()
  }
}

/**
 * Streams a round's submitted comments (drafts and withdrawn comments are not part of the record)
 * to `out` in the file format of DESIGN.md with the export columns, in batches of EXPORT_BATCH by id
 * (keyset), so a round of any size is never held in memory; the stream's backpressure paces the
 * reading. CSV is written by RFC 4180 (csvField) with a UTF-8 byte order mark (spreadsheets need it to read
 * UTF-8) and every cell that a spreadsheet would run as a formula neutralised; JSON Lines carries the
 * same keys with plain string values. Ends `out`; returns the number of comments written.
 */
export async function exportComments(db: Db, roundId: number, format: FileFormat, out: Writable): Promise<number> {
  const counter = { count: 0 }
  const batches = exportRows(db, roundId, counter)
  if (format === 'csv') {
    const lines = async function* () {
      // The byte order mark tells spreadsheets the file is UTF-8.
      yield `\uFEFF${EXPORT_COLUMNS.map(csvField).join(',')}\r\n`
      for await (const rows of batches) {
        let chunk = ''
        for (const row of rows) chunk += `${EXPORT_COLUMNS.map((column) => csvField(neutraliseCell(row[column]))).join(',')}\r\n`
        yield chunk
      }
    }
    await pipeline(Readable.from(lines()), out)
  } else {
    const lines = async function* () {
      for await (const rows of batches) {
        let chunk = ''
        for (const row of rows) {
          const ordered: Partial<ExportRow> = {}
          for (const column of EXPORT_COLUMNS) ordered[column] = row[column]
          chunk += `${JSON.stringify(ordered)}\n`
        }
        yield chunk
      }
    }
    await pipeline(Readable.from(lines()), out)
  }
  return counter.count
}

export function exportFileName(roundId: number, format: FileFormat) {
  return `concord-round-${roundId}-comments.${format}`
}

export const EXPORT_CONTENT_TYPES: Record<FileFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  jsonl: 'application/jsonl; charset=utf-8',
}

// ---------------------------------------------------------------------------------------------
// The web import: checked files kept for the second step, and background jobs with their progress
// ---------------------------------------------------------------------------------------------

const CHECKED_DIR = path.join(os.tmpdir(), 'concord-imports')
const CHECKED_TTL_MS = 60 * 60 * 1000

type CheckedMeta = { roundId: number; userId: string; format: FileFormat; name: string; rows: number; createdAt: number }

function checkedPaths(token: string) {
  return { data: path.join(CHECKED_DIR, `${token}.data`), meta: path.join(CHECKED_DIR, `${token}.json`) }
}

/** Removes checked files older than an hour. */
function sweepCheckedFiles(now = Date.now()) {
  let names: string[] = []
  try {
    names = fs.readdirSync(CHECKED_DIR)
  } catch {
    return
  }
  for (const name of names) {
    const file = path.join(CHECKED_DIR, name)
    try {
      if (now - fs.statSync(file).mtimeMs > CHECKED_TTL_MS) fs.rmSync(file, { force: true })
    } catch {
      // Another request removed it first.
    }
  }
}

/**
 * Keeps a checked file for the import step, under a random token (256 bits) that the page carries in
 * a hidden field; only the same moderator, for the same round, within an hour, can import it.
 */
export function keepCheckedFile(bytes: Uint8Array, meta: Omit<CheckedMeta, 'createdAt'>) {
  sweepCheckedFiles()
  fs.mkdirSync(CHECKED_DIR, { recursive: true, mode: 0o700 })
  const token = crypto.randomBytes(32).toString('base64url')
  const paths = checkedPaths(token)
  fs.writeFileSync(paths.data, bytes, { mode: 0o600 })
  fs.writeFileSync(paths.meta, JSON.stringify({ ...meta, createdAt: Date.now() } satisfies CheckedMeta), { mode: 0o600 })
  return token
}

/** The kept file for this token, round and moderator; null when unknown, someone else's or expired. */
export function readCheckedFile(token: string, roundId: number, userId: string) {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return null
  const paths = checkedPaths(token)
  try {
    const meta = JSON.parse(fs.readFileSync(paths.meta, 'utf8')) as CheckedMeta
    if (meta.roundId !== roundId || meta.userId !== userId || Date.now() - meta.createdAt > CHECKED_TTL_MS) return null
    return { meta, bytes: fs.readFileSync(paths.data) }
  } catch {
    return null
  }
}

export function discardCheckedFile(token: string) {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return
  const paths = checkedPaths(token)
  fs.rmSync(paths.data, { force: true })
  fs.rmSync(paths.meta, { force: true })
}

export type ImportJob = {
  id: string
  roundId: number
  userId: string
  fileName: string
  state: 'running' | 'done' | 'failed'
  progress: ImportProgress
  result: ImportResult | null
  startedAt: number
  finishedAt: number | null
}

declare global {
  var __concordImportJobs: Map<string, ImportJob> | undefined
}

/**
 * Import jobs of this server process, in memory, and each job's state in a file beside the checked
 * files, so that another server process (WEB_CONCURRENCY) answers the job's progress page too. A
 * restart forgets running jobs (the import itself is atomic).
 */
const jobs: Map<string, ImportJob> = (globalThis.__concordImportJobs ??= new Map())
const JOB_TTL_MS = 60 * 60 * 1000

function jobFile(jobId: string) {
  return path.join(CHECKED_DIR, `job-${jobId}.json`)
}

const savedAt = new Map<string, number>()
/** Writes a job's state for the other server processes: at every change of state, progress at most twice a second. */
function saveJob(job: ImportJob, force = false) {
  const now = Date.now()
  if (!force && now - (savedAt.get(job.id) ?? 0) < 500) return
  savedAt.set(job.id, now)
  try {
    fs.mkdirSync(CHECKED_DIR, { recursive: true, mode: 0o700 })
    // Written aside and renamed, so a reader never sees half a file.
    const temporary = `${jobFile(job.id)}.${process.pid}`
    fs.writeFileSync(temporary, JSON.stringify(job), { mode: 0o600 })
    fs.renameSync(temporary, jobFile(job.id))
  } catch (error) {
    // This process still has the job in memory and answers its page.
    logError('import job state not written', error, { roundId: job.roundId })
  }
}

/** Starts an import in the background of this process and returns its job at once. */
export function startImportJob(db: Db, args: { roundId: number; userId: string; rows: ImportRow[]; fileName: string }): ImportJob {
  const now = Date.now()
  for (const [id, job] of jobs) {
    if (job.finishedAt && now - job.finishedAt > JOB_TTL_MS) {
      jobs.delete(id)
      savedAt.delete(id)
      fs.rmSync(jobFile(id), { force: true })
    }
  }
  const job: ImportJob = {
    id: crypto.randomBytes(16).toString('base64url'),
    roundId: args.roundId,
    userId: args.userId,
    fileName: args.fileName,
    state: 'running',
    progress: { phase: 'analysing', done: 0, total: args.rows.length },
    result: null,
    startedAt: now,
    finishedAt: null,
  }
  jobs.set(job.id, job)
  saveJob(job, true)
  // Started on the next turn, so the request that started it is answered first.
  setImmediate(() => {
    importComments(db, args.roundId, args.rows, args.userId, {
      fileName: args.fileName,
      onProgress: (progress) => {
        job.progress = progress
        saveJob(job)
      },
    })
      .then((result) => {
        job.result = result
        job.state = result.ok ? 'done' : 'failed'
      })
      .catch((error: unknown) => {
        job.result = { ok: false, errors: [{ line: null, field: null, reason: 'errors.importFailed' }], errorCount: 1 }
        job.state = 'failed'
        logError('comments import failed', error, { roundId: args.roundId })
      })
      .finally(() => {
        job.finishedAt = Date.now()
        saveJob(job, true)
      })
  })
  return job
}

/** A job of this moderator in this round (started by this server process or another), or null. */
export function getImportJob(jobId: string, roundId: number, userId: string) {
  let job = jobs.get(jobId) ?? null
  if (!job && /^[A-Za-z0-9_-]{22}$/.test(jobId)) {
    try {
      job = JSON.parse(fs.readFileSync(jobFile(jobId), 'utf8')) as ImportJob
    } catch {
      job = null
    }
  }
  return job && job.roundId === roundId && job.userId === userId ? job : null
}
