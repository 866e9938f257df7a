/**
 * The loader behind every page that shows a summary as the public reads it: the latest published
 * snapshot, a numbered one, or (for moderators) the draft's preview. The snapshot's frozen figures
 * and, apart from them, the current figures through the reader's lens.
 */
import { data } from '@remix-run/node'
import type { TFunction } from 'i18next'
import { formatInstant } from '~/components/date-time'
import { languageName } from '~/modules/comments/languages'
import { textDirection, type Language } from '~/modules/i18n/i18n'
import { getFixedT } from '~/modules/i18n/i18n.server'
import { getReadableVersion } from '~/modules/norms/norms.server'
import { getRoundForReader } from '~/modules/rounds/rounds.server'
import { getUser } from '~/utils/auth.server'
import { db } from '~/utils/db.server'
import { invariantResponse, pageLifetime } from '~/utils/http.server'
import { CSV_TABLES } from './exports.server'
import {
  getSnapshot,
  latestSnapshot,
  lensFigures,
  lensIsActive,
  lensOptions,
  listSnapshots,
  parseLens,
  readDraft,
  summaryFigures,
  type LensChoice,
  type LensOptions,
} from './summaries.server'
import { LENS_FILTERS, type LensFilter, type UnknownFilters } from './summaries.schema'
import { categoryOptions, lensView, summaryView } from './view.server'

/** A route parameter that must be a positive whole number; anything else is a page that does not exist. */
export function positiveIdOf(param: string | undefined) {
  const id = Number(param)
  invariantResponse(param && /^[1-9]\d{0,11}$/.test(param) && Number.isSafeInteger(id), 'Not found')
  return id
}

function lensFormOptions(options: LensOptions, language: Language, t: TFunction) {
  const collator = new Intl.Collator(language)
  const sorted = (items: { value: string; label: string }[]) => items.sort((a, b) => collator.compare(a.label, b.label))
  return {
    region: sorted(
      options.regions.map((code) => ({ value: code, label: t(`regions:areas.${code}`, { defaultValue: code }) })),
    ),
    subregion: sorted(
      options.subregions.map((code) => ({ value: code, label: t(`regions:areas.${code}`, { defaultValue: code }) })),
    ),
    organization: sorted(
      options.organizations.map((key) => ({
        value: key,
        label: t(`regions:organizations.${key}`, { defaultValue: key }),
      })),
    ),
    category: categoryOptions(language),
    language: sorted(options.languages.map((code) => ({ value: code, label: languageName(code, language) }))),
  }
}

type Source = { kind: 'latest' } | { kind: 'number'; number: number } | { kind: 'draft' }

const SNAPSHOT_PREFIX = 'summary'
const LENS_PREFIX = 'lens'

export async function loadSummaryPage(request: Request, roundParam: string | undefined, source: Source) {
  const roundId = positiveIdOf(roundParam)
  const { t, language } = await getFixedT(request, ['summaries', 'common', 'regions', 'regional'])
  const now = new Date()
  const round = getRoundForReader(db, roundId, language, now)
  invariantResponse(round, 'Not found')
  const url = new URL(request.url)
  const basePath =
    source.kind === 'draft'
      ? `/moderate/rounds/${roundId}/summary/preview`
      : source.kind === 'number'
      ? `/rounds/${roundId}/summary/${source.number}`
      : `/rounds/${roundId}/summary`

  // The lens first: an unknown filter is the reader's mistake (400), whatever else the page holds.
  const user = await getUser(request)
  const options = lensOptions(db, roundId)
  const choice: LensChoice = parseLens(url.searchParams, options, user?.regionalOrganizationKey)
  if (choice.unknown.length) {
    throw data(
      {
        title: t('lens.unknownTitle'),
        unknownFilters: choice.unknown.map((entry) => ({
          ...entry,
          message: t('lens.unknownFilter', { filter: t(`lens.filters.${entry.filter}`), value: entry.value }),
        })),
        clearHref: basePath,
      } satisfies UnknownFilters,
      { status: 400 },
    )
  }

  const snapshots = listSnapshots(db, roundId)
  const versions = snapshots.map((snapshot) => ({
    number: snapshot.number,
    href: `/rounds/${roundId}/summary/${snapshot.number}`,
    publishedAt: formatInstant(snapshot.publishedAt, language, round.timeZone),
    contentHash: snapshot.contentHash,
  }))
  const version = getReadableVersion(db, round.versionId, language)
  invariantResponse(version, 'Not found')

  const roundInfo = {
    id: round.id,
    title: round.title,
    titleLanguage: round.titleLanguage,
    normTitle: version.title,
    normTitleLanguage: version.titleLanguage,
    state: round.state,
    closes: formatInstant(round.closesAt, language, round.timeZone),
  }
  const base = {
    language,
    dir: textDirection(language),
    round: roundInfo,
    versions,
    basePath,
    origin: url.origin,
    sourceLanguageName: languageName(version.sourceLanguage, language),
  }

  let snapshot: {
    number: number | null
    publishedAt: ReturnType<typeof formatInstant> | null
    contentHash: string | null
    integrityOk: boolean
    computedAt: ReturnType<typeof formatInstant> | null
    printUrl: string
  }
  let figures
  let narrative
  if (source.kind === 'draft') {
    figures = summaryFigures(db, roundId, now)
    narrative = readDraft(db, roundId).narrative
    snapshot = {
      number: null,
      publishedAt: null,
      contentHash: null,
      integrityOk: true,
      computedAt: formatInstant(now, language, round.timeZone),
      printUrl: `${url.origin}${basePath}`,
    }
  } else {
    const found = source.kind === 'latest' ? latestSnapshot(db, roundId) : getSnapshot(db, roundId, source.number)
    if (!found) {
      if (source.kind === 'number') throw new Response('Not found', { status: 404 })
      // Nothing published yet: a page that says so, answered as "not found" (there is no summary yet).
      return data(
        { ...base, title: `${t('page.title')} · ${round.title} · Concord`, published: false as const },
        { status: 404 },
      )
    }
    figures = found.figures
    narrative = found.narrative
    snapshot = {
      number: found.number,
      publishedAt: formatInstant(found.publishedAt, language, round.timeZone),
      contentHash: found.contentHash,
      integrityOk: found.integrity.ok,
      computedAt: figures.computedAt ? formatInstant(new Date(figures.computedAt), language, round.timeZone) : null,
      printUrl: `${url.origin}/rounds/${roundId}/summary/${found.number}`,
    }
  }
  const latestNumber = snapshots[0]?.number ?? null
  const newer =
    snapshot.number !== null && latestNumber !== null && latestNumber > snapshot.number
      ? { number: latestNumber, href: `/rounds/${roundId}/summary/${latestNumber}` }
      : null

  const view = summaryView({
    figures,
    narrative,
    language,
    sourceLanguage: version.sourceLanguage,
    clauses: version.clauses,
    idPrefix: SNAPSHOT_PREFIX,
  })

  const active = lensIsActive(choice.lens)
  const lens = {
    values: choice.values,
    defaulted: choice.defaulted,
    active,
    options: lensFormOptions(options, language, t),
    organizationName: choice.lens.organization ? t(`regions:organizations.${choice.lens.organization}`) : null,
    applied: LENS_FILTERS.filter((filter) => choice.values[filter]).map((filter) => ({
      filter,
      label: t(`lens.filters.${filter}`),
      value: lensValueLabel(filter, choice.values[filter], language, t),
    })),
    computedAt: active ? formatInstant(now, language, round.timeZone) : null,
    view: active
      ? lensView({
          figures: lensFigures(db, roundId, choice.lens),
          language,
          idPrefix: LENS_PREFIX,
          snapshotPrefix: SNAPSHOT_PREFIX,
        })
      : null,
  }

  // Open data of the version shown (never of the unpublished draft), and through the lens when one applies.
  const lensQuery = LENS_FILTERS.flatMap((filter) => {
    const value = choice.lens[filter]
    return value ? [`${filter}=${encodeURIComponent(value)}`] : []
  }).join('&')
  const downloadLinks = (query: string, through: boolean) => ({
    json: { href: `/rounds/${roundId}/summary.json?${query}`, label: t(through ? 'downloads.jsonLens' : 'downloads.json') },
    csv: CSV_TABLES.map((table) => ({
      table,
      href: `/rounds/${roundId}/summary.csv?${query}&table=${table}`,
      label: t(through ? 'downloads.csvLens' : 'downloads.csv', { table: t(`regional:tables.${table}`) }),
    })),
  })
  const downloads =
    snapshot.number === null
      ? null
      : {
          number: snapshot.number,
          published: downloadLinks(`version=${snapshot.number}`, false),
          lens: active ? downloadLinks(`version=${snapshot.number}&${lensQuery}`, true) : null,
        }

  // The page changes with the database, and with the clock only when the round opens or closes.
  const clockChange = now < round.opensAt ? round.opensAt : now < round.closesAt ? round.closesAt : null
  return data(
    {
      ...base,
      title: `${t('page.title')} · ${round.title} · Concord`,
      published: true as const,
      downloads,
      preview: source.kind === 'draft',
      snapshot,
      newer,
      view,
      lens,
    },
    { headers: pageLifetime(clockChange, now) },
  )
}

function lensValueLabel(filter: LensFilter, value: string, language: Language, t: TFunction) {
  switch (filter) {
    case 'region':
    case 'subregion':
      return t(`regions:areas.${value}`, { defaultValue: value })
    case 'organization':
      return t(`regions:organizations.${value}`, { defaultValue: value })
    case 'category':
      return t(`common:categories.${value}`)
    case 'language':
      return languageName(value, language)
  }
}

/** The page's data, as the loader answers it (with its status and headers) and as the page reads it. */
type Answered<T> = T extends { data: infer Data; init: ResponseInit | null } ? Data : T
export type SummaryPageData = Answered<Awaited<ReturnType<typeof loadSummaryPage>>>
