import type { Command } from 'commander'
import type { TFunction } from 'i18next'
import { STAKEHOLDER_CATEGORIES, type StakeholderCategory } from '#db/schema/accounts'
import type { Figures, Quote } from '~/modules/summaries/figures.server'
import { CliError } from './main'

export const SUMMARY_FORMATS = ['json', 'md'] as const
export type SummaryFormat = (typeof SUMMARY_FORMATS)[number]

/** What `concord summary build` reports: the round's current figures, quotes and amendments. */
export type SummaryReport = {
  round: { id: number; title: string; state: string; opensAt: string; closesAt: string }
  computedAt: string
  figures: Figures
  quotes: { byConcern: Quote[]; byClause: Quote[] }
  amendments: { clauseId: number | null; proposedText: string; language: string | null; proposers: number }[]
}

/** English names for what the figures hold by code: categories and regions from the locales, the rest from ICU. */
export type EnglishNames = {
  category: (key: string) => string
  region: (code: string) => string
  country: (code: string) => string
  language: (code: string) => string
  outcome: (key: string) => string
}

const POSITIONS = ['support', 'amend', 'oppose', 'neutral'] as const
const OUTCOMES = ['accepted', 'partly_accepted', 'noted', 'not_accepted', 'pending'] as const
const POSITION_NAMES: Record<(typeof POSITIONS)[number], string> = {
  support: 'Support',
  amend: 'Amend',
  oppose: 'Oppose',
  neutral: 'Neutral',
}

const integer = new Intl.NumberFormat('en')
const signed = new Intl.NumberFormat('en', {
  signDisplay: 'exceptZero',
  minimumFractionDigits: 2,
  maximumFractionDigits: 2,
})
const decimal = new Intl.NumberFormat('en', { minimumFractionDigits: 2, maximumFractionDigits: 2 })

const n = (value: number) => integer.format(value)
const net = (value: number | null) => (value === null ? '—' : signed.format(value))

/** A table cell: one line, pipes escaped. */
function cell(value: string) {
  return (
    value
      .replace(/\\/g, '\\\\')
      .replace(/\|/g, '\\|')
      .replace(/\s*[\r\n]+\s*/g, ' ')
      .trim() || ' '
  )
}

/** A Markdown table; `numeric` columns are right-aligned. */
export function markdownTable(head: string[], rows: string[][], numeric: boolean[] = []) {
  const line = (cells: string[]) => `| ${cells.map(cell).join(' | ')} |`
  const rule = `|${head.map((_, index) => (numeric[index] ? '---:' : '---')).join('|')}|`
  return [line(head), rule, ...rows.map(line)].join('\n')
}

function blockquote(text: string) {
  return text
    .trim()
    .split(/\r?\n/)
    .map((line) => (line.trim() ? `> ${line}` : '>'))
    .join('\n')
}

function quoteLines(quote: Quote, names: EnglishNames) {
  const who = [
    names.category(quote.category),
    quote.countryCode ? names.country(quote.countryCode) : null,
    quote.authorName,
    quote.organization,
  ].filter(Boolean)
  const lines = [
    blockquote(quote.text),
    `> — ${who.join(', ')}${quote.language ? ` (${names.language(quote.language)})` : ''}`,
  ]
  for (const [language, text] of Object.entries(quote.translations)) {
    lines.push('>', blockquote(`Translation (${names.language(language)}): ${text}`))
  }
  return lines.join('\n')
}

function clauseName(label: string | null) {
  return label === null ? 'The draft as a whole' : `Clause ${label}`
}

/** The report as a readable Markdown document in English: a heading per section, tables for the counts. */
export function summaryMarkdown(report: SummaryReport, names: EnglishNames) {
  const { figures, round } = report
  const p = figures.participation
  const out: string[] = []
  // Blocks are separated by a blank line: a line right after a table would otherwise continue it.
  const section = (...blocks: string[]) =>
    out.push(...blocks.filter((block) => block !== '').flatMap((block) => [block, '']))

  section(
    `# Consolidated position summary: ${round.title}`,
    `Round ${round.id} (${round.state}), open from ${round.opensAt} to ${round.closesAt}. ` +
      `Current figures computed at ${report.computedAt}; this is not a published snapshot.`,
    'Counting rules: only submitted comments that moderators have not hidden are counted; a campaign ' +
      '(a group of identical or near-identical comments at or above the round’s threshold) is counted once, ' +
      'with its number of signatories. Net support is (support − oppose) ÷ comments that took a position, from −1 to +1.',
  )

  section(
    '## Participation',
    markdownTable(
      ['Measure', 'Count'],
      [
        ['Comments received', n(p.comments)],
        ['Comments counted (each campaign once)', n(p.counted)],
        ['Participants', n(p.participants)],
        ['Imported from other channels', n(p.imported)],
        ['Named', n(p.named)],
        ['Anonymous', n(p.anonymous)],
        ['Not for publication', n(p.unpublished)],
        ['Campaigns', n(p.campaigns)],
        ['Campaign signatories', n(p.campaignSignatories)],
      ],
      [false, true],
    ),
  )
  section(
    '### By stakeholder category',
    markdownTable(
      ['Category', 'Comments', 'Participants'],
      STAKEHOLDER_CATEGORIES.map((key) => [
        names.category(key),
        n(p.byCategory.find((row) => row.key === key)?.count ?? 0),
        n(p.participantsByCategory.find((row) => row.key === key)?.count ?? 0),
      ]),
      [false, true, true],
    ),
  )
  const byKey = (title: string, what: string, rows: { key: string; count: number }[], name: (key: string) => string) =>
    section(
      title,
      rows.length
        ? markdownTable(
            [what, 'Code', 'Comments'],
            rows.map((row) => [name(row.key), row.key, n(row.count)]),
            [false, false, true],
          )
        : 'None.',
    )
  byKey('### By region', 'Region', p.byRegion, names.region)
  byKey('### By country', 'Country', p.byCountry, names.country)
  byKey('### By language', 'Language', p.byLanguage, names.language)

  section('## Clause by clause')
  for (const clause of figures.clauses) {
    const amendments = report.amendments.filter((amendment) => amendment.clauseId === clause.clauseId)
    const quotes = report.quotes.byClause.filter((quote) => quote.groupKey.startsWith(`${clause.clauseId ?? 'whole'}:`))
    section(
      `### ${clauseName(clause.label)}`,
      clause.all.total === 0 ? 'No comment took a position here.' : '',
      clause.all.total === 0
        ? ''
        : markdownTable(
            ['Category', ...POSITIONS.map((position) => POSITION_NAMES[position]), 'Total', 'Net support'],
            [
              ...clause.byCategory.map((row) => [
                names.category(row.category),
                ...POSITIONS.map((position) => n(row[position])),
                n(row.total),
                net(row.net),
              ]),
              [
                'All categories',
                ...POSITIONS.map((position) => n(clause.all[position])),
                n(clause.all.total),
                net(clause.all.net),
              ],
            ],
            [false, true, true, true, true, true, true],
          ),
      clause.all.total === 0
        ? ''
        : clause.divergence === null
        ? 'Divergence: not computed (fewer than two categories took a position).'
        : `Divergence: ${decimal.format(clause.divergence)}.`,
    )
    if (amendments.length) {
      section(
        '#### Proposed amendments',
        amendments
          .map(
            (amendment) =>
              `- ${cell(amendment.proposedText)}${
                amendment.language ? ` (${names.language(amendment.language)})` : ''
              } — ` + `${n(amendment.proposers)} ${amendment.proposers === 1 ? 'proposer' : 'proposers'}`,
          )
          .join('\n'),
      )
    }
    if (quotes.length) {
      section(
        '#### Representative quotes',
        ...quotes.map(
          (quote) =>
            `${POSITION_NAMES[quote.groupKey.split(':')[1] as (typeof POSITIONS)[number]] ?? ''}:\n\n${quoteLines(
              quote,
              names,
            )}`,
        ),
      )
    }
  }

  section(
    '## Consensus and divergence map',
    'Clauses from the most shared view (lowest divergence) to the most divisive.',
    figures.consensus.length
      ? markdownTable(
          ['Rank', 'Clause', 'Divergence', 'Net support'],
          figures.consensus.map((row, index) => [
            n(index + 1),
            row.label,
            decimal.format(row.divergence),
            net(row.net),
          ]),
          [true, false, true, true],
        )
      : 'Not enough positions yet: divergence needs at least two stakeholder categories on a clause.',
  )

  section(
    '## By concern',
    figures.concerns.length
      ? markdownTable(
          ['Concern', 'Total', ...STAKEHOLDER_CATEGORIES.map((key) => names.category(key))],
          figures.concerns.map((concern) => [
            concern.labels.en ?? concern.key,
            n(concern.total),
            ...STAKEHOLDER_CATEGORIES.map((key) => n(concern.byCategory.find((row) => row.key === key)?.count ?? 0)),
          ]),
          [false, true, ...STAKEHOLDER_CATEGORIES.map(() => true)],
        )
      : 'This round has no concerns.',
  )
  for (const concern of figures.concerns) {
    const quotes = report.quotes.byConcern.filter((quote) => quote.groupKey === concern.key)
    const keyPoints = concern.keyPoints.en
    if (!quotes.length && !keyPoints) continue
    section(
      `### ${concern.labels.en ?? concern.key}`,
      keyPoints ? `Key points: ${keyPoints}` : '',
      concern.byRegion.length
        ? `By region: ${concern.byRegion.map((row) => `${names.region(row.key)} ${n(row.count)}`).join(', ')}.`
        : '',
      ...quotes.map((quote) => quoteLines(quote, names)),
    )
  }

  section(
    '## Dispositions',
    markdownTable(
      ['Outcome', 'Comments'],
      OUTCOMES.map((outcome) => [names.outcome(outcome), n(figures.dispositions[outcome])]),
      [false, true],
    ),
  )

  const m = figures.method
  section(
    '## Method',
    [
      `- Comments reviewed by moderators: ${n(m.reviewed)} (concerns confirmed as suggested: ${n(
        m.confirmedAsSuggested,
      )}; changed from the suggestion: ${n(m.changedFromSuggestion)}).`,
      `- Comments awaiting review: ${n(m.unreviewed)}.`,
      `- Hidden comments: ${
        m.hiddenByReason.length
          ? m.hiddenByReason.map((row) => `${row.key.replace(/_/g, ' ')} ${n(row.count)}`).join(', ')
          : 'none'
      }.`,
      `- Groups of duplicates: ${n(m.duplicateGroups)}, holding ${n(m.commentsInGroups)} comments; campaigns: ${n(
        m.campaigns,
      )} (threshold: ${n(m.campaignThreshold)} comments).`,
    ].join('\n'),
  )
  return `${out.join('\n').trimEnd()}\n`
}

export function englishNames(
  t: TFunction,
  countryName: (code: string, language: string) => string,
  languageName: (code: string, language: string) => string,
): EnglishNames {
  return {
    category: (key) => t(`common:categories.${key as StakeholderCategory}`, { defaultValue: key }),
    region: (code) => t(`regions:areas.${code}`, { defaultValue: code }),
    country: (code) => countryName(code, 'en'),
    language: (code) => (code === 'und' ? 'undetermined' : languageName(code, 'en')),
    outcome: (key) =>
      key === 'pending' ? t('regional:exports.pending') : t(`dispositions:outcomes.${key}`, { defaultValue: key }),
  }
}

export function registerSummaryCommands(program: Command) {
  const summary = program.command('summary').description('consolidated position summaries')
  summary
    .command('build')
    .description(
      'print the current figures of a round (not a published snapshot): participation, positions by clause and category, ' +
        'consensus, concerns, dispositions, method, representative quotes and proposed amendments — as JSON or as a Markdown document in English',
    )
    .requiredOption('--round <id>', 'id of the round')
    .option('--format <format>', `output format: ${SUMMARY_FORMATS.join(' or ')}`, 'md')
    .action(async (options: { round: string; format: string }) => {
      if (!(SUMMARY_FORMATS as readonly string[]).includes(options.format)) {
        throw new CliError(`unknown format ${options.format}: use ${SUMMARY_FORMATS.join(' or ')}`)
      }
      const roundId = /^[1-9]\d{0,15}$/.test(options.round) ? Number(options.round) : NaN
      if (!Number.isSafeInteger(roundId))
        throw new CliError(`--round must be the id of a round, a whole number: ${options.round}`)
      const { db } = await import('~/utils/db.server')
      const { getRound } = await import('~/modules/rounds/rounds.server')
      const now = new Date()
      const round = getRound(db, roundId, 'en', now)
      if (!round) throw new CliError(`there is no round ${roundId}`)
      const { buildFigures, proposedAmendments, representativeQuotes } = await import(
        '~/modules/summaries/figures.server'
      )
      const report: SummaryReport = {
        round: {
          id: round.id,
          title: round.sourceTitle,
          state: round.state,
          opensAt: round.opensAt.toISOString(),
          closesAt: round.closesAt.toISOString(),
        },
        computedAt: now.toISOString(),
        figures: buildFigures(db, roundId),
        quotes: representativeQuotes(db, roundId),
        amendments: proposedAmendments(db, roundId),
      }
      if (options.format === 'json') {
        process.stdout.write(`${JSON.stringify(report, null, 2)}\n`)
        return
      }
      const { fixedT } = await import('~/modules/i18n/i18n.server')
      const { countryName } = await import('~/modules/regions/regions')
      const { languageName } = await import('~/modules/comments/languages')
      const t = fixedT('en', ['common', 'regions', 'regional', 'dispositions'])
      process.stdout.write(summaryMarkdown(report, englishNames(t, countryName, languageName)))
    })
}
