/**
 * The hot spots behind the pages, timed one by one in-process on a benchmark database: each module
 * function the loaders of the round page, the public comments page, the moderation queue and the
 * published summary call, the analysis of a submitted comment, and the per-request work of
 * translation and formatting. Prints one JSON
 * object: name → mean and p95 in milliseconds. Started by bench/run.ts:
 *
 *   DATABASE_PATH=FILE node --import tsx bench/queries.ts FILE ROUND_INFO_JSON
 */
import fs from 'node:fs'
import type { RoundInfo } from './build-db'

export type QueryTimings = {
  timings: Record<string, { meanMs: number; p95Ms: number; iterations: number }>
  /** Files opened or read while the translation functions of 1,000 and more requests were made. */
  localeFileReads: number
  /** summaryFigures of the whole round (what publishing computes), called once. */
  summaryBuildMs: number
}

const info = JSON.parse(process.argv[3]!) as RoundInfo
const { db } = await import('~/utils/db.server')
const { countSubmittedByClause, listM49Regions, listPublicLanguages } = await import('~/modules/comments/public.server')
const { listPublicComments } = await import('~/modules/comments/comments.server')
const { listQueue, listQueueLanguages, listRoundClauses, publicModerationFigures } = await import('~/modules/moderation/moderation.server')
const { getRoundForReader, getGuidingQuestions, listConcerns } = await import('~/modules/rounds/rounds.server')
const { getReadableVersion } = await import('~/modules/norms/norms.server')
const { latestSnapshot, lensOptions, listSnapshots, summaryFigures } = await import('~/modules/summaries/summaries.server')
const { getFixedT, i18nServer } = await import('~/modules/i18n/i18n.server')
const { formatInstant } = await import('~/components/date-time')
const { countryName } = await import('~/modules/regions/regions')
const { languageName } = await import('~/modules/comments/languages')
const { analyseText } = await import('~/modules/comments/comments.server')
const { projectRoot } = await import('~/utils/paths.server')
const { loadSentences } = await import('./corpus')
const { generate } = await import('./generate')

const timings: QueryTimings['timings'] = {}
async function time(name: string, task: () => unknown) {
  for (let i = 0; i < 3; i++) await task()
  const samples: number[] = []
  const until = performance.now() + 1000
  while (samples.length < 5 || (samples.length < 500 && performance.now() < until)) {
    const started = performance.now()
    await task()
    samples.push(performance.now() - started)
  }
  samples.sort((a, b) => a - b)
  timings[name] = {
    meanMs: samples.reduce((sum, value) => sum + value, 0) / samples.length,
    p95Ms: samples[Math.ceil(samples.length * 0.95) - 1]!,
    iterations: samples.length,
  }
}

const roundId = info.roundId
const filters = info.allFilters
const round = getRoundForReader(db, roundId, 'fr')!
await time('rounds: getRoundForReader', () => getRoundForReader(db, roundId, 'fr'))
await time('norms: getReadableVersion', () => getReadableVersion(db, round.versionId, 'fr'))
await time('rounds: getGuidingQuestions', () => getGuidingQuestions(db, roundId, 'fr'))
await time('comments: countSubmittedByClause', () => countSubmittedByClause(db, roundId))
await time('comments: listM49Regions', () => listM49Regions(db))
await time('comments: listPublicLanguages', () => listPublicLanguages(db, roundId))
await time('comments: listPublicComments, first page', () => listPublicComments(db, roundId, {}))
await time('comments: listPublicComments, clause', () => listPublicComments(db, roundId, { clause: filters.clause }))
await time('comments: listPublicComments, category', () => listPublicComments(db, roundId, { category: filters.category as never }))
await time('comments: listPublicComments, region', () => listPublicComments(db, roundId, { region: filters.region }))
await time('comments: listPublicComments, position', () => listPublicComments(db, roundId, { position: filters.position as never }))
await time('comments: listPublicComments, language', () => listPublicComments(db, roundId, { language: filters.language }))
await time('comments: listPublicComments, every filter', () =>
  listPublicComments(db, roundId, {
    clause: filters.clause,
    category: filters.category as never,
    region: filters.region,
    position: filters.position as never,
    language: filters.language,
  }),
)
await time('comments: listPublicComments, deep page', () => listPublicComments(db, roundId, {}, info.deepBefore))
await time('moderation: listQueue', () => listQueue(db, roundId, {}))
await time('moderation: listQueue, unreviewed', () => listQueue(db, roundId, { state: 'unreviewed' }))
await time('moderation: listQueue, clause', () => listQueue(db, roundId, { clause: filters.clause }))
await time('moderation: listQueue, language and category', () => listQueue(db, roundId, { language: filters.language, category: filters.category as never }))
await time('moderation: listQueue, concern', () => listQueue(db, roundId, { concern: info.concernKeys[0] }))
await time('moderation: listQueueLanguages', () => listQueueLanguages(db, roundId))
await time('moderation: listRoundClauses', () => listRoundClauses(db, roundId))
await time('moderation: publicModerationFigures (round page)', () => publicModerationFigures(db, roundId))
await time('rounds: listConcerns', () => listConcerns(db, roundId))
await time('summaries: lensOptions', () => lensOptions(db, roundId))
await time('summaries: listSnapshots', () => listSnapshots(db, roundId))
await time('summaries: latestSnapshot (with its hash check)', () => latestSnapshot(db, roundId))

// Per submitted comment, before it is saved: language detection, suggested concerns and the
// duplicate fingerprint, over new texts of the benchmark's generator, half of them with a language.
const texts = Array.from(generate(500, ['1'], loadSentences(projectRoot), 4242), ({ row }) => ({
  text: row.text,
  language: row.language || undefined,
}))
let nextText = 0
await time('comments: analyseText (a submitted comment)', () => analyseText(db, roundId, texts[nextText++ % texts.length]!))

// Per request, whatever the data: the reader's translation functions and the formatting of a page.
const request = () => new Request('http://localhost/', { headers: { 'accept-language': 'fr-CH, fr;q=0.9' } })
const reads = { count: 0 }
const countReads = <T extends (...args: never[]) => unknown>(fn: T) =>
  ((...args: Parameters<T>) => {
    reads.count++
    return fn(...args)
  }) as unknown as T
fs.readFileSync = countReads(fs.readFileSync)
fs.readFile = countReads(fs.readFile)
fs.promises.readFile = countReads(fs.promises.readFile)
fs.openSync = countReads(fs.openSync)
await time('i18n: getFixedT per request', () => getFixedT(request(), ['comments', 'rounds']))
await time('i18n: cloneInstance per render', () => i18nServer.cloneInstance({ lng: 'fr', initImmediate: false }))
const localeReads = reads.count
const now = new Date()
await time('format: 20 dates (a page of comments)', () => {
  for (let i = 0; i < 20; i++) formatInstant(now, 'fr', 'Africa/Nairobi', 'short')
})
await time('format: 20 country names', () => {
  for (let i = 0; i < 20; i++) countryName('KE', 'fr')
})
await time('format: 20 language names', () => {
  for (let i = 0; i < 20; i++) languageName('ar', 'fr')
})
const started = performance.now()
summaryFigures(db, roundId)
const summaryBuildMs = performance.now() - started
process.stdout.write(JSON.stringify({ timings, localeFileReads: localeReads, summaryBuildMs } satisfies QueryTimings) + '\n')
