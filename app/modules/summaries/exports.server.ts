/**
 * Open-data downloads of a round's published consolidated position summary: the whole summary as
 * JSON (schema: summary.schema.json, JSON Schema draft 2020-12) and each table of figures as CSV.
 *
 * - Without a lens the download is the published snapshot, exactly as frozen (its figures and
 *   narrative hash to its content hash, so anyone can check it). `?version=N` picks an older one.
 * - With a lens (region, subregion, organization, category, language) the figures are computed now
 *   through the lens, and the download says so: a `lens` object in JSON, a first `#` comment row in CSV.
 * - CSV cells holding text are neutralised against formula injection: a cell beginning with = + - @,
 *   a tab or a carriage return gets a leading apostrophe. Numbers are written as numbers (a negative
 *   net support stays −0.5, not '-0.5): they come from our own arithmetic, never from a user.
 * - Bad input answers 400 or 404 in plain text in the reader's language, never 500.
 *
 * Everything goes through exportSummary(), one function, so rate limiting can wrap it.
 */
import { stringify } from 'csv-stringify/sync'
import type { TFunction } from 'i18next'
import { STAKEHOLDER_CATEGORIES } from '#db/schema/index'
import { languageName } from '~/modules/comments/languages'
import type { Language } from '~/modules/i18n/i18n'
import { fixedT } from '~/modules/i18n/i18n.server'
import { countryName } from '~/modules/regions/regions'
import { concernLabel, getRound } from '~/modules/rounds/rounds.server'
import type { Db } from '~/utils/db.server'
import {
  buildFigures,
  campaignFigures,
  clauseConcerns,
  proposedAmendments,
  representativeQuotes,
  type Lens,
} from './figures.server'
import {
  FIGURES_FORMAT,
  getSnapshot,
  latestSnapshot,
  lensIsActive,
  lensOptions,
  parseLens,
  type Narrative,
  type Snapshot,
  type SummaryFigures,
} from './summaries.server'
import { LENS_FILTERS } from './summaries.schema'
import { roundIdOf } from './tracker.server'

/** Version of the export document's shape (summary.schema.json). */
export const EXPORT_SCHEMA_VERSION = 1

export const CSV_TABLES = [
  'participation_by_category',
  'participation_by_region',
  'participation_by_country',
  'participation_by_language',
  'positions_by_clause_and_category',
  'consensus',
  'concerns_by_category',
  'dispositions',
] as const
export type CsvTable = (typeof CSV_TABLES)[number]

export function isCsvTable(value: unknown): value is CsvTable {
  return typeof value === 'string' && (CSV_TABLES as readonly string[]).includes(value)
}

export type ExportFormat = 'json' | 'csv'

export type ExportInput = {
  /** The `$roundId` route parameter as given. */
  roundParam: string | undefined
  format: ExportFormat
  /** The query string: `table` (CSV), `version`, and the lens filters. */
  search: URLSearchParams
  /** The reader's language, for messages and for the label columns. */
  language: Language
  now?: Date
}

/** The figures of a summary: a snapshot's as stored, or the same shape computed live through a lens. */
export type ExportFigures = SummaryFigures

/** The same content as a snapshot's figures, computed now through a lens. */
export function lensSummaryFigures(db: Db, roundId: number, lens: Lens, now = new Date()): ExportFigures {
  return {
    format: FIGURES_FORMAT,
    computedAt: now.toISOString(),
    ...buildFigures(db, roundId, lens),
    quotes: representativeQuotes(db, roundId, lens),
    amendments: proposedAmendments(db, roundId, lens),
    clauseConcerns: clauseConcerns(db, roundId, lens),
    campaignList: campaignFigures(db, roundId, lens),
  }
}

export type LensInfo = {
  filters: Partial<Record<(typeof LENS_FILTERS)[number], string>>
  basis: 'live'
  computedAt: string
  note: string
}

export type SummaryExport = {
  schemaVersion: typeof EXPORT_SCHEMA_VERSION
  generatedAt: string
  round: { id: number; title: string; versionId: number }
  summary: {
    number: number
    publishedAt: string
    contentHash: string
    integrityVerified: boolean
    narrative: Narrative
  }
  lens: LensInfo | null
  figures: ExportFigures
}

/* Plain-text answers ---------------------------------------------------------------------------- */

const TEXT_HEADERS = {
  'Content-Type': 'text/plain; charset=utf-8',
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
}

function problem(status: 400 | 404, message: string, language: Language) {
  return new Response(`${message}\n`, { status, headers: { ...TEXT_HEADERS, 'Content-Language': language } })
}

/* CSV ------------------------------------------------------------------------------------------- */

const FORMULA_START = /^[=+\-@\t\r]/

/** A text cell as a spreadsheet may safely open it: formula-looking text gets a leading apostrophe. */
export function neutraliseCell(value: string) {
  return FORMULA_START.test(value) ? `'${value}` : value
}

type Cell = string | number | null
type Table = { columns: string[]; rows: Cell[][] }

/** One table of the summary as columns (stable machine names) and rows (codes, labels, counts). */
export function csvTable(table: CsvTable, figures: ExportFigures, language: Language, t: TFunction): Table {
  const category = (key: string) => t(`common:categories.${key}`, { defaultValue: key })
  const area = (code: string) => t(`regions:areas.${code}`, { defaultValue: code })
  const p = figures.participation
  switch (table) {
    case 'participation_by_category':
      return {
        columns: ['category', 'category_label', 'comments', 'participants'],
        rows: STAKEHOLDER_CATEGORIES.map((key) => [
          key,
          category(key),
          p.byCategory.find((row) => row.key === key)?.count ?? 0,
          p.participantsByCategory.find((row) => row.key === key)?.count ?? 0,
        ]),
      }
    case 'participation_by_region':
      return {
        columns: ['region', 'region_label', 'comments'],
        rows: p.byRegion.map((row) => [row.key, area(row.key), row.count]),
      }
    case 'participation_by_country':
      return {
        columns: ['country', 'country_name', 'comments'],
        rows: p.byCountry.map((row) => [row.key, countryName(row.key, language), row.count]),
      }
    case 'participation_by_language':
      return {
        columns: ['language', 'language_name', 'comments'],
        rows: p.byLanguage.map((row) => [row.key, languageName(row.key, language), row.count]),
      }
    case 'positions_by_clause_and_category':
      return {
        columns: [
          'clause',
          'category',
          'category_label',
          'support',
          'amend',
          'oppose',
          'neutral',
          'total',
          'net_support',
        ],
        rows: figures.clauses.flatMap((clause) =>
          clause.byCategory.map((row) => [
            clause.label ?? '',
            row.category,
            category(row.category),
            row.support,
            row.amend,
            row.oppose,
            row.neutral,
            row.total,
            row.net,
          ]),
        ),
      }
    case 'consensus':
      return {
        columns: ['rank', 'clause', 'divergence', 'net_support'],
        rows: figures.consensus.map((row, index) => [index + 1, row.label, row.divergence, row.net]),
      }
    case 'concerns_by_category':
      return {
        columns: ['concern', 'concern_label', 'category', 'category_label', 'comments'],
        rows: figures.concerns.flatMap((concern) =>
          concern.byCategory.map((row) => [
            concern.key,
            concernLabel(concern.labels, language, concern.key),
            row.key,
            category(row.key),
            row.count,
          ]),
        ),
      }
    case 'dispositions': {
      const outcomes = ['accepted', 'partly_accepted', 'noted', 'not_accepted', 'pending'] as const
      return {
        columns: ['outcome', 'outcome_label', 'comments'],
        rows: outcomes.map((outcome) => [
          outcome,
          outcome === 'pending' ? t('regional:exports.pending') : t(`dispositions:outcomes.${outcome}`),
          figures.dispositions[outcome],
        ]),
      }
    }
  }
}

/** RFC 4180 CSV (CRLF, header row) with a byte-order mark so spreadsheets read it as UTF-8. */
export function toCsv(table: Table, comment?: string) {
  const body = stringify(table.rows, {
    header: true,
    columns: table.columns,
    record_delimiter: 'windows',
    // A cell starting with # is quoted, so readers that skip `#` comment rows never take data for one.
    quoted_match: /^#/,
    cast: { string: neutraliseCell, number: (value) => String(value) },
  })
  const note = comment ? `# ${comment.replace(/[\r\n]+/g, ' ')}\r\n` : ''
  return `\ufeff${note}${body}`
}

/* The export ------------------------------------------------------------------------------------ */

function lensDescription(filters: LensInfo['filters']) {
  return LENS_FILTERS.filter((filter) => filters[filter])
    .map((filter) => `${filter}=${filters[filter]}`)
    .join(', ')
}

function fileName(roundId: number, number: number, extension: string, table?: CsvTable, filters?: LensInfo['filters']) {
  const lens = filters
    ? LENS_FILTERS.filter((filter) => filters[filter]).map((filter) => `${filter}-${filters[filter]}`)
    : []
  const parts = [
    `concord-round-${roundId}-summary-v${number}`,
    table,
    lens.length ? `lens-${lens.join('-')}` : undefined,
  ]
  // ASCII letters, digits, dots and dashes only: the name goes into a header unescaped.
  return `${parts
    .filter(Boolean)
    .join('-')
    .replace(/[^A-Za-z0-9._-]+/g, '_')}.${extension}`
}

/**
 * A round's published summary as a download: a Response with the file, or a 400/404 plain-text
 * message in the reader's language. The one entry point of the export routes.
 */
export function exportSummary(db: Db, input: ExportInput): Response {
  const { language, search } = input
  const now = input.now ?? new Date()
  const t = fixedT(language, ['regional', 'regions', 'common', 'dispositions'])

  const roundId = roundIdOf(input.roundParam)
  const round = roundId === null ? null : getRound(db, roundId, language, now)
  if (roundId === null || !round) return problem(404, t('regional:exports.roundUnknown'), language)

  const versionParam = search.get('version')
  let snapshot: Snapshot | null
  if (versionParam !== null && versionParam !== '') {
    const number = roundIdOf(versionParam.trim())
    if (number === null) return problem(400, t('regional:exports.versionInvalid', { version: versionParam }), language)
    snapshot = getSnapshot(db, roundId, number)
    if (!snapshot) return problem(404, t('regional:exports.versionUnknown', { version: number }), language)
  } else {
    snapshot = latestSnapshot(db, roundId)
    if (!snapshot) return problem(404, t('regional:exports.notPublished'), language)
  }

  let table: CsvTable | null = null
  if (input.format === 'csv') {
    const asked = search.get('table')?.trim() ?? ''
    const tables = CSV_TABLES.join(', ')
    if (!asked) return problem(400, t('regional:exports.missingTable', { tables }), language)
    if (!isCsvTable(asked)) return problem(400, t('regional:exports.unknownTable', { table: asked, tables }), language)
    table = asked
  }

  const choice = parseLens(search, lensOptions(db, roundId), null)
  if (choice.unknown.length) {
    const lines = choice.unknown.map((entry) =>
      t('regional:exports.unknownFilter', {
        filter: t(`regional:exports.filters.${entry.filter}`),
        value: entry.value,
      }),
    )
    return problem(400, lines.join('\n'), language)
  }

  let figures: ExportFigures = snapshot.figures
  let lens: LensInfo | null = null
  if (lensIsActive(choice.lens)) {
    figures = lensSummaryFigures(db, roundId, choice.lens, now)
    const filters: LensInfo['filters'] = {}
    for (const filter of LENS_FILTERS) {
      const value = choice.lens[filter]
      if (value) filters[filter] = value
    }
    lens = {
      filters,
      basis: 'live',
      computedAt: now.toISOString(),
      note: t('regional:exports.lensNote', {
        lens: lensDescription(filters),
        time: now.toISOString(),
        number: snapshot.number,
      }),
    }
  }

  const headers = {
    'Cache-Control': 'no-cache',
    'Content-Language': language,
    Vary: 'Accept-Language, Cookie',
    'X-Content-Type-Options': 'nosniff',
  }
  if (table) {
    const csv = toCsv(csvTable(table, figures, language, t), lens?.note)
    return new Response(csv, {
      headers: {
        ...headers,
        'Content-Type': 'text/csv; charset=utf-8; header=present',
        'Content-Disposition': `attachment; filename="${fileName(
          roundId,
          snapshot.number,
          'csv',
          table,
          lens?.filters,
        )}"`,
      },
    })
  }
  const document: SummaryExport = {
    schemaVersion: EXPORT_SCHEMA_VERSION,
    generatedAt: now.toISOString(),
    round: { id: roundId, title: round.sourceTitle, versionId: round.versionId },
    summary: {
      number: snapshot.number,
      publishedAt: snapshot.publishedAt.toISOString(),
      contentHash: snapshot.contentHash,
      integrityVerified: snapshot.integrity.ok,
      narrative: snapshot.narrative,
    },
    lens,
    figures,
  }
  return new Response(JSON.stringify(document, null, 2), {
    headers: {
      ...headers,
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Disposition': `attachment; filename="${fileName(
        roundId,
        snapshot.number,
        'json',
        undefined,
        lens?.filters,
      )}"`,
    },
  })
}
