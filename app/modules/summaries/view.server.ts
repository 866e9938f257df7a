/**
 * The summary as a page shows it: the stored (or live) figures turned into labelled, formatted
 * rows, chart data and narrative in the reader's language. All numbers and data-derived words are
 * formatted here, on the server, once — the page and its hydration show the same text.
 */
import type { TFunction } from 'i18next'
import { STAKEHOLDER_CATEGORIES, type Position, type StakeholderCategory } from '#db/schema/index'
import { countBin, netBin } from '~/components/charts/palette'
import type { BarChartData, Direction, HeatmapData, StackedBarData } from '~/components/charts/types'
import { languageName } from '~/modules/comments/languages'
import { SUPPORTED_LANGUAGES, textDirection, type Language } from '~/modules/i18n/i18n'
import { fixedT } from '~/modules/i18n/i18n.server'
import type { ReadableClause } from '~/modules/norms/norms.server'
import { countryName } from '~/modules/regions/regions'
import type { CampaignFigure, ClauseConcern, Figures, Quote } from './figures.server'
import { clauseSection, SUMMARY_SECTIONS, type Narrative, type SummarySection } from './summaries.server'

/** Net support differing by this much or more between an organization's members and the others is flagged. */
export const MARKED_DIFFERENCE = 0.3

/**
 * The largest campaigns the page lists, of the round and of each clause; the rest are counted in a
 * sentence, and every one is in the open data. A round of a million comments can hold thousands.
 */
export const CAMPAIGNS_SHOWN = 20
export const CLAUSE_CAMPAIGNS_SHOWN = 5

const POSITION_ORDER: Position[] = ['support', 'amend', 'oppose', 'neutral']
const OUTCOME_ORDER = ['accepted', 'partly_accepted', 'noted', 'not_accepted', 'pending'] as const

export type Num = { value: number; text: string }
export type LocalText = { text: string; lang: string; dir: Direction }
export type NarrativeView = {
  paragraphs: string[]
  lang: string
  dir: Direction
  fallback: boolean
  languageName: string
} | null

/** Figures as a snapshot stores them; a live lens has no quotes or amendments. */
export type FiguresLike = Figures & {
  computedAt?: string
  quotes?: { byConcern: Quote[]; byClause: Quote[] }
  amendments?: { clauseId: number | null; proposedText: string; language: string | null; proposers: number }[]
  clauseConcerns?: ClauseConcern[]
  campaignList?: CampaignFigure[]
}

/** Keeps a signed number whole ("-0.50") inside right-to-left text: a left-to-right isolate around it. */
function isolate(text: string, language: Language) {
  return textDirection(language) === 'rtl' ? `\u2066${text}\u2069` : text
}

function formatters(language: Language) {
  const integer = new Intl.NumberFormat(language)
  const percent = new Intl.NumberFormat(language, { style: 'percent', maximumFractionDigits: 0 })
  const signed = new Intl.NumberFormat(language, {
    signDisplay: 'exceptZero',
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
  })
  const decimal = new Intl.NumberFormat(language, { minimumFractionDigits: 2, maximumFractionDigits: 2 })
  return {
    int: (value: number): Num => ({ value, text: integer.format(value) }),
    /** A share of a whole; an empty whole is 0 %, never a division by zero. */
    share: (part: number, whole: number) => percent.format(whole > 0 ? part / whole : 0),
    net: (value: number | null): Num | null =>
      value === null ? null : { value, text: isolate(signed.format(value), language) },
    decimal: (value: number): Num => ({ value, text: decimal.format(value) }),
  }
}

type Format = ReturnType<typeof formatters>

function localText(text: string, lang: string | null | undefined): LocalText {
  const language = lang || 'und'
  return { text, lang: language, dir: textDirection(language) }
}

function paragraphs(text: string) {
  return text
    .split(/\n\s*\n/)
    .map((paragraph) => paragraph.trim())
    .filter(Boolean)
}

/** A translated text in the reader's language, else English, else the source language, else any. */
function pick(texts: Partial<Record<string, string>> | undefined, language: string, sourceLanguage: string) {
  if (!texts) return null
  const order = [language, 'en', sourceLanguage, ...SUPPORTED_LANGUAGES, ...Object.keys(texts)]
  for (const candidate of order) {
    const text = texts[candidate]
    if (text && text.trim()) return { text, lang: candidate }
  }
  return null
}

export function narrativeView(
  narrative: Narrative,
  section: string,
  language: Language,
  sourceLanguage: string,
): NarrativeView {
  const found = pick(narrative[section], language, sourceLanguage)
  if (!found) return null
  return {
    paragraphs: paragraphs(found.text),
    lang: found.lang,
    dir: textDirection(found.lang),
    fallback: found.lang !== language,
    languageName: languageName(found.lang, language),
  }
}

function categoryLabel(t: TFunction, category: string) {
  return t(`common:categories.${category}`)
}

function regionLabel(t: TFunction, code: string) {
  return t(`regions:areas.${code}`, { defaultValue: code })
}

function clauseName(t: TFunction, label: string | null) {
  return label === null ? t('summaries:clause.whole') : t('summaries:clause.name', { label })
}

export function clauseAnchor(prefix: string, label: string | null) {
  return `${prefix}-${label === null ? 'whole' : `clause-${label.replace(/[^A-Za-z0-9_-]/g, '_')}`}`
}

function quoteView(quote: Quote, t: TFunction, language: Language) {
  const parts = [categoryLabel(t, quote.category)]
  if (quote.countryCode) parts.push(countryName(quote.countryCode, language))
  const who = [quote.authorName, quote.organization].filter(Boolean).join(', ')
  parts.push(who || t('summaries:quotes.anonymous'))
  const translated = quote.language !== language ? quote.translations[language] : undefined
  return {
    id: quote.commentId,
    original: localText(quote.text, quote.language),
    languageName: quote.language ? languageName(quote.language, language) : t('summaries:languages.und'),
    attribution: parts.join(' · '),
    translation: translated ? localText(translated, language) : null,
  }
}

export type QuoteView = ReturnType<typeof quoteView>

function positionsOf(counts: Record<Position, number> & { total: number; net: number | null }, f: Format) {
  return {
    support: f.int(counts.support),
    amend: f.int(counts.amend),
    oppose: f.int(counts.oppose),
    neutral: f.int(counts.neutral),
    total: f.int(counts.total),
    net: f.net(counts.net),
  }
}

/** The text of a net support in a table or a cell: the signed value, or a dash and its meaning. */
function netText(net: Num | null) {
  return net ? net.text : '—'
}

export type SummaryViewInput = {
  figures: FiguresLike
  narrative: Narrative
  language: Language
  sourceLanguage: string
  clauses: ReadableClause[]
  /** Prefix of the ids of the page's charts and anchors, so two views can share a page. */
  idPrefix: string
}

export function summaryView(input: SummaryViewInput) {
  const { figures, language, idPrefix } = input
  const t = fixedT(language, ['summaries', 'common', 'regions'])
  const f = formatters(language)
  const dir = textDirection(language)
  const p = figures.participation
  const narrative = (section: string) => narrativeView(input.narrative, section, language, input.sourceLanguage)
  const readable = new Map(input.clauses.map((clause) => [clause.id, clause]))
  const clauseLabelById = new Map(figures.clauses.map((clause) => [clause.clauseId, clause.label]))
  const categories = STAKEHOLDER_CATEGORIES.map((key) => ({ key, label: categoryLabel(t, key) }))
  const concernLabels = new Map(
    figures.concerns.map((concern) => {
      const found = pick(concern.labels, language, input.sourceLanguage)
      return [concern.key, found ? localText(found.text, found.lang) : localText(concern.key, 'en')]
    }),
  )

  /* Participation */
  const byCategoryChart: BarChartData = {
    id: `${idPrefix}-participation-category`,
    title: t('participation.byCategoryTitle'),
    description: describeBars(
      t,
      p.byCategory.map((row) => ({ label: categoryLabel(t, row.key), value: row.count })),
      p.counted,
      f,
    ),
    caption: t('participation.byCategoryCaption'),
    labelHeader: t('table.category'),
    valueHeader: t('table.comments'),
    shareHeader: t('table.share'),
    items: p.byCategory.map((row) => ({
      key: row.key,
      label: categoryLabel(t, row.key),
      value: row.count,
      valueText: f.int(row.count).text,
      shareText: f.share(row.count, p.counted),
    })),
    footer: { label: t('table.total'), valueText: f.int(p.counted).text, shareText: f.share(p.counted, p.counted) },
  }
  const byRegionChart: BarChartData = {
    id: `${idPrefix}-participation-region`,
    title: t('participation.byRegionTitle'),
    description: describeBars(
      t,
      p.byRegion.map((row) => ({ label: regionLabel(t, row.key), value: row.count })),
      p.counted,
      f,
    ),
    caption: t('participation.byRegionCaption'),
    labelHeader: t('table.region'),
    valueHeader: t('table.comments'),
    shareHeader: t('table.share'),
    items: p.byRegion.map((row) => ({
      key: row.key,
      label: regionLabel(t, row.key),
      value: row.count,
      valueText: f.int(row.count).text,
      shareText: f.share(row.count, p.counted),
    })),
  }
  const participation = {
    empty: p.counted === 0,
    comments: f.int(p.comments),
    counted: f.int(p.counted),
    imported: f.int(p.imported),
    participants: f.int(p.participants),
    named: f.int(p.named),
    anonymous: f.int(p.anonymous),
    unpublished: f.int(p.unpublished),
    campaigns: f.int(p.campaigns),
    signatories: f.int(p.campaignSignatories),
    participantsByCategory: p.participantsByCategory.map((row) => ({
      key: row.key,
      label: categoryLabel(t, row.key),
      count: f.int(row.count),
    })),
    byCategoryChart,
    byRegionChart,
    byCountry: p.byCountry.map((row) => ({
      key: row.key,
      label: countryName(row.key, language),
      count: f.int(row.count),
      share: f.share(row.count, p.counted),
    })),
    byLanguage: p.byLanguage.map((row) => ({
      key: row.key,
      label: row.key === 'und' ? t('languages.und') : languageName(row.key, language),
      count: f.int(row.count),
      share: f.share(row.count, p.counted),
    })),
    campaignList: (figures.campaignList ?? []).slice(0, CAMPAIGNS_SHOWN).map((campaign) => ({
      key: String(campaign.groupId),
      clause: clauseName(t, clauseLabelById.get(campaign.clauseId) ?? null),
      position: campaign.position ? t(`positions.${campaign.position}`) : null,
      signatories: f.int(campaign.signatories),
      text: campaign.text ? localText(excerpt(campaign.text), campaign.language) : null,
    })),
    campaignsMore: f.int(Math.max(0, (figures.campaignList ?? []).length - CAMPAIGNS_SHOWN)),
  }

  /* Per clause */
  const campaignsByClause = new Map<number | null, CampaignFigure[]>()
  for (const campaign of figures.campaignList ?? []) {
    const list = campaignsByClause.get(campaign.clauseId) ?? []
    list.push(campaign)
    campaignsByClause.set(campaign.clauseId, list)
  }
  const clauseCampaigns = (clauseId: number | null) => campaignsByClause.get(clauseId) ?? []
  const quotesByGroup = new Map<string, Quote[]>()
  for (const quote of figures.quotes?.byClause ?? []) {
    quotesByGroup.set(quote.groupKey, [...(quotesByGroup.get(quote.groupKey) ?? []), quote])
  }
  const clauses = figures.clauses.map((clause, index) => {
    const text = clause.clauseId === null ? null : readable.get(clause.clauseId)
    const name = clauseName(t, clause.label)
    const chart: StackedBarData = {
      id: `${idPrefix}-clause-${index}-positions`,
      title: t('clauses.positionsTitle', { clause: name }),
      description:
        clause.all.total === 0
          ? t('clauses.positionsEmpty', { clause: name })
          : t('clauses.positionsDescription', {
              clause: name,
              support: f.int(clause.all.support).text,
              amend: f.int(clause.all.amend).text,
              oppose: f.int(clause.all.oppose).text,
              neutral: f.int(clause.all.neutral).text,
              net: netText(f.net(clause.all.net)),
            }),
      caption: t('clauses.positionsCaption', { clause: name }),
      rowHeader: t('table.category'),
      totalHeader: t('table.total'),
      extraHeader: t('table.net'),
      segments: POSITION_ORDER.map((position) => ({ key: position, label: t(`positions.${position}`) })),
      rows: clause.byCategory.map((row) => ({
        key: row.category,
        label: categoryLabel(t, row.category),
        values: POSITION_ORDER.map((position) => f.int(row[position])),
        total: f.int(row.total),
        extra: netText(f.net(row.net)),
      })),
      footer: {
        label: t('table.allCategories'),
        values: POSITION_ORDER.map((position) => f.int(clause.all[position]).text),
        total: f.int(clause.all.total).text,
        extra: netText(f.net(clause.all.net)),
      },
    }
    const groupKey = clause.clauseId === null ? 'whole' : String(clause.clauseId)
    return {
      key: clause.label ?? 'whole',
      label: clause.label,
      name,
      anchor: clauseAnchor(idPrefix, clause.label),
      section: clause.label === null ? null : clauseSection(clause.label),
      heading: text?.heading ? localText(text.heading, text.language) : null,
      text: text
        ? {
            text: text.text,
            language: text.language,
            translated: text.translated,
            id: text.id,
            label: text.label,
            heading: text.heading,
          }
        : null,
      all: positionsOf(clause.all, f),
      divergence: clause.divergence === null ? null : f.decimal(clause.divergence),
      chart,
      concerns: (figures.clauseConcerns ?? [])
        .filter((row) => row.clauseId === clause.clauseId)
        .map((row) => ({
          key: row.key,
          label: concernLabels.get(row.key) ?? localText(row.key, 'en'),
          count: f.int(row.count),
        })),
      amendments: (figures.amendments ?? [])
        .filter((row) => row.clauseId === clause.clauseId)
        .map((row, amendmentIndex) => ({
          key: String(amendmentIndex),
          text: localText(row.proposedText, row.language),
          proposers: f.int(row.proposers),
        })),
      quotes: POSITION_ORDER.flatMap((position) =>
        (quotesByGroup.get(`${groupKey}:${position}`) ?? []).map((quote) => ({
          position: t(`positions.${position}`),
          ...quoteView(quote, t, language),
        })),
      ),
      campaigns: clauseCampaigns(clause.clauseId)
        .slice(0, CLAUSE_CAMPAIGNS_SHOWN)
        .map((campaign) => ({
          key: String(campaign.groupId),
          position: campaign.position ? t(`positions.${campaign.position}`) : null,
          signatories: f.int(campaign.signatories),
        })),
      campaignsMore: f.int(Math.max(0, clauseCampaigns(clause.clauseId).length - CLAUSE_CAMPAIGNS_SHOWN)),
      narrative: clause.label === null ? null : narrative(clauseSection(clause.label)),
    }
  })
  // Clauses nobody commented on stay listed (their emptiness is a finding); the whole draft only if commented.
  const clauseViews = clauses.filter(
    (clause) => clause.label !== null || clause.all.total.value > 0 || clause.quotes.length > 0,
  )

  /* Consensus and divergence map */
  const ranked = figures.consensus.map((entry, index) => ({
    key: entry.label,
    rank: f.int(index + 1),
    name: clauseName(t, entry.label),
    anchor: clauseAnchor(idPrefix, entry.label),
    divergence: f.decimal(entry.divergence),
    net: f.net(entry.net),
  }))
  const rankedLabels = new Set(figures.consensus.map((entry) => entry.label))
  const unranked = figures.clauses
    .filter((clause) => clause.label !== null && !rankedLabels.has(clause.label))
    .map((clause) => ({
      key: clause.label!,
      name: clauseName(t, clause.label),
      anchor: clauseAnchor(idPrefix, clause.label),
    }))
  const heatmap = netHeatmap(
    {
      id: `${idPrefix}-consensus-heatmap`,
      title: t('consensus.heatmapTitle'),
      caption: t('consensus.heatmapCaption'),
      description:
        ranked.length === 1
          ? t('consensus.heatmapDescriptionOne', { clause: ranked[0]!.name, score: ranked[0]!.divergence.text })
          : ranked.length
          ? t('consensus.heatmapDescription', {
              shared: ranked[0]!.name,
              sharedScore: ranked[0]!.divergence.text,
              divisive: ranked[ranked.length - 1]!.name,
              divisiveScore: ranked[ranked.length - 1]!.divergence.text,
            })
          : t('consensus.heatmapDescriptionEmpty'),
    },
    [...figures.consensus.map((entry) => entry.label), ...unranked.map((entry) => entry.key)].map(
      (label) => figures.clauses.find((clause) => clause.label === label)!,
    ),
    t,
    f,
    idPrefix,
  )

  /* By concern */
  const concernQuotes = new Map<string, Quote[]>()
  for (const quote of figures.quotes?.byConcern ?? []) {
    concernQuotes.set(quote.groupKey, [...(concernQuotes.get(quote.groupKey) ?? []), quote])
  }
  const maxConcernCell = Math.max(
    0,
    ...figures.concerns.flatMap((concern) => concern.byCategory.map((row) => row.count)),
  )
  const concernsRaised = figures.concerns.filter((concern) => concern.total > 0)
  const topConcern = [...concernsRaised].sort((a, b) => b.total - a.total)[0]
  const concernChart: HeatmapData = {
    id: `${idPrefix}-concerns-heatmap`,
    title: t('concerns.heatmapTitle'),
    caption: t('concerns.heatmapCaption'),
    description: topConcern
      ? t('concerns.heatmapDescription', {
          concern: concernLabels.get(topConcern.key)!.text,
          count: topConcern.total,
          n: f.int(topConcern.total).text,
        })
      : t('concerns.heatmapDescriptionEmpty'),
    rowHeader: t('table.concern'),
    columns: categories,
    scale: 'count',
    legend: (['zero', 'low', 'mid', 'high'] as const).map((bin) => ({ bin, label: t(`legend.count.${bin}`) })),
    rows: figures.concerns.map((concern) => ({
      key: concern.key,
      label: concernLabels.get(concern.key)!.text,
      lang: concernLabels.get(concern.key)!.lang,
      cells: concern.byCategory.map((row) => ({
        value: row.count,
        text: f.int(row.count).text,
        bin: countBin(row.count, maxConcernCell),
      })),
    })),
  }
  const concerns = figures.concerns.map((concern) => {
    const keyPoints = pick(concern.keyPoints, language, input.sourceLanguage)
    return {
      key: concern.key,
      anchor: `${idPrefix}-concern-${concern.key}`,
      label: concernLabels.get(concern.key)!,
      total: f.int(concern.total),
      share: f.share(concern.total, p.counted),
      byRegion: concern.byRegion.map((row) => ({
        key: row.key,
        label: regionLabel(t, row.key),
        count: f.int(row.count),
      })),
      keyPoints: keyPoints
        ? {
            paragraphs: paragraphs(keyPoints.text),
            lang: keyPoints.lang,
            dir: textDirection(keyPoints.lang),
            fallback: keyPoints.lang !== language,
            languageName: languageName(keyPoints.lang, language),
          }
        : null,
      quotes: (concernQuotes.get(concern.key) ?? []).map((quote) => quoteView(quote, t, language)),
    }
  })

  /* Dispositions */
  const dispositionTotal = OUTCOME_ORDER.reduce((sum, outcome) => sum + figures.dispositions[outcome], 0)
  const dispositionsChart: BarChartData = {
    id: `${idPrefix}-dispositions`,
    title: t('dispositions.chartTitle'),
    caption: t('dispositions.chartCaption'),
    description: describeBars(
      t,
      OUTCOME_ORDER.map((outcome) => ({ label: t(`outcomes.${outcome}`), value: figures.dispositions[outcome] })),
      dispositionTotal,
      f,
    ),
    labelHeader: t('table.outcome'),
    valueHeader: t('table.comments'),
    shareHeader: t('table.share'),
    items: OUTCOME_ORDER.map((outcome) => ({
      key: outcome,
      label: t(`outcomes.${outcome}`),
      value: figures.dispositions[outcome],
      valueText: f.int(figures.dispositions[outcome]).text,
      shareText: f.share(figures.dispositions[outcome], dispositionTotal),
    })),
    footer: {
      label: t('table.total'),
      valueText: f.int(dispositionTotal).text,
      shareText: f.share(dispositionTotal, dispositionTotal),
    },
  }

  /* Method */
  const m = figures.method
  const method = {
    reviewed: f.int(m.reviewed),
    confirmedAsSuggested: f.int(m.confirmedAsSuggested),
    changedFromSuggestion: f.int(m.changedFromSuggestion),
    unreviewed: f.int(m.unreviewed),
    hidden: m.hiddenByReason.map((row) => ({
      key: row.key,
      label: t(`hiddenReasons.${row.key}`, { defaultValue: row.key }),
      count: f.int(row.count),
    })),
    hiddenTotal: f.int(m.hiddenByReason.reduce((sum, row) => sum + row.count, 0)),
    duplicateGroups: f.int(m.duplicateGroups),
    campaigns: f.int(m.campaigns),
    commentsInGroups: f.int(m.commentsInGroups),
    campaignThreshold: f.int(m.campaignThreshold),
  }

  const sections = Object.fromEntries(SUMMARY_SECTIONS.map((section) => [section, narrative(section)])) as Record<
    SummarySection,
    NarrativeView
  >

  return {
    idPrefix,
    dir,
    empty: p.counted === 0,
    narrative: sections,
    participation,
    clauses: clauseViews,
    consensus: { ranked, unranked, heatmap },
    concerns: { chart: concernChart, items: concerns, anyRaised: concernsRaised.length > 0 },
    dispositions: { chart: dispositionsChart, total: f.int(dispositionTotal) },
    method,
  }
}

export type SummaryView = ReturnType<typeof summaryView>

function excerpt(text: string, length = 280) {
  const characters = [...text]
  return characters.length > length ? `${characters.slice(0, length).join('').trimEnd()}…` : text
}

function describeBars(t: TFunction, items: { label: string; value: number }[], total: number, f: Format) {
  const largest = [...items].sort((a, b) => b.value - a.value)[0]
  if (!largest || largest.value === 0) return t('summaries:charts.barsEmpty')
  return t('summaries:charts.barsDescription', {
    largest: largest.label,
    value: f.int(largest.value).text,
    total: f.int(total).text,
    share: f.share(largest.value, total),
  })
}

type ClauseFigure = Figures['clauses'][number]

function netHeatmap(
  text: { id: string; title: string; caption: string; description: string },
  clauses: ClauseFigure[],
  t: TFunction,
  f: Format,
  idPrefix: string,
): HeatmapData {
  return {
    ...text,
    rowHeader: t('summaries:table.clause'),
    columns: STAKEHOLDER_CATEGORIES.map((key) => ({ key, label: categoryLabel(t, key) })),
    scale: 'net',
    legend: (['strongly_against', 'against', 'mixed', 'for', 'strongly_for', 'none'] as const).map((bin) => ({
      bin,
      label: t(`summaries:legend.net.${bin}`),
    })),
    rows: clauses.map((clause) => ({
      key: clause.label ?? 'whole',
      label: clauseName(t, clause.label),
      href: `#${clauseAnchor(idPrefix, clause.label)}`,
      cells: clause.byCategory.map((row) => {
        const net = f.net(row.net)
        return net
          ? { value: net.value, text: net.text, bin: netBin(net.value) }
          : { value: null, text: '—', note: t('summaries:heatmap.noPositions'), bin: 'none' }
      }),
    })),
  }
}

/* Lenses ------------------------------------------------------------------------------------- */

type LensFigures = { through: FiguresLike; outside: Figures | null }

/**
 * The live figures through a lens, for the page's separate "current figures" section: who spoke,
 * the clause × category map through the lens, and for an organization its members beside everyone
 * else, with differences of net support of MARKED_DIFFERENCE or more flagged in words.
 */
export function lensView(input: {
  figures: LensFigures
  language: Language
  idPrefix: string
  snapshotPrefix: string
}) {
  const { through, outside } = input.figures
  const t = fixedT(input.language, ['summaries', 'common', 'regions'])
  const f = formatters(input.language)
  const p = through.participation
  const byCategoryChart: BarChartData = {
    id: `${input.idPrefix}-participation-category`,
    title: t('lens.byCategoryTitle'),
    description: describeBars(
      t,
      p.byCategory.map((row) => ({ label: categoryLabel(t, row.key), value: row.count })),
      p.counted,
      f,
    ),
    caption: t('lens.byCategoryCaption'),
    labelHeader: t('table.category'),
    valueHeader: t('table.comments'),
    shareHeader: t('table.share'),
    items: p.byCategory.map((row) => ({
      key: row.key,
      label: categoryLabel(t, row.key),
      value: row.count,
      valueText: f.int(row.count).text,
      shareText: f.share(row.count, p.counted),
    })),
    footer: { label: t('table.total'), valueText: f.int(p.counted).text, shareText: f.share(p.counted, p.counted) },
  }
  const ranked = through.consensus.map((entry) => entry.label)
  const rest = through.clauses
    .filter((clause) => clause.label !== null && !ranked.includes(clause.label))
    .map((clause) => clause.label!)
  const heatmap = netHeatmap(
    {
      id: `${input.idPrefix}-heatmap`,
      title: t('lens.heatmapTitle'),
      caption: t('lens.heatmapCaption'),
      description:
        through.consensus.length === 1
          ? t('consensus.heatmapDescriptionOne', {
              clause: clauseName(t, through.consensus[0]!.label),
              score: f.decimal(through.consensus[0]!.divergence).text,
            })
          : through.consensus.length
          ? t('consensus.heatmapDescription', {
              shared: clauseName(t, through.consensus[0]!.label),
              sharedScore: f.decimal(through.consensus[0]!.divergence).text,
              divisive: clauseName(t, through.consensus[through.consensus.length - 1]!.label),
              divisiveScore: f.decimal(through.consensus[through.consensus.length - 1]!.divergence).text,
            })
          : t('consensus.heatmapDescriptionEmpty'),
    },
    [...ranked, ...rest].map((label) => through.clauses.find((clause) => clause.label === label)!),
    t,
    f,
    input.snapshotPrefix,
  )
  let comparison = null
  if (outside) {
    const rows = through.clauses
      .filter((clause) => clause.label !== null)
      .map((clause) => {
        const other = outside.clauses.find((candidate) => candidate.clauseId === clause.clauseId)!
        const members = clause.all.net
        const others = other.all.net
        const difference = members !== null && others !== null ? members - others : null
        return {
          key: clause.label!,
          name: clauseName(t, clause.label),
          href: `#${clauseAnchor(input.snapshotPrefix, clause.label)}`,
          members: { net: netText(f.net(members)), total: f.int(clause.all.total) },
          others: { net: netText(f.net(others)), total: f.int(other.all.total) },
          difference: difference === null ? '—' : f.net(difference)!.text,
          marked: difference !== null && Math.abs(difference) >= MARKED_DIFFERENCE - 1e-9,
        }
      })
    comparison = {
      rows,
      marked: f.int(rows.filter((row) => row.marked).length),
      markedCount: rows.filter((row) => row.marked).length,
      threshold: f.decimal(MARKED_DIFFERENCE).text,
      categories: STAKEHOLDER_CATEGORIES.map((key, index) => ({
        key,
        label: categoryLabel(t, key),
        members: f.int(p.byCategory[index]!.count),
        others: f.int(outside.participation.byCategory[index]!.count),
      })),
      membersCounted: f.int(p.counted),
      othersCounted: f.int(outside.participation.counted),
    }
  }
  return {
    empty: p.counted === 0,
    comments: f.int(p.comments),
    counted: f.int(p.counted),
    participants: f.int(p.participants),
    campaigns: f.int(p.campaigns),
    signatories: f.int(p.campaignSignatories),
    byCategoryChart,
    heatmap,
    comparison,
  }
}

export type LensView = ReturnType<typeof lensView>

export function categoryOptions(language: Language) {
  const t = fixedT(language, ['common'])
  return STAKEHOLDER_CATEGORIES.map((key: StakeholderCategory) => ({ value: key, label: categoryLabel(t, key) }))
}
