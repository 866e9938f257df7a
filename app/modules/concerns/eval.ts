/**
 * An honest measure of concern suggestions on real, labelled comments that nobody tuned:
 * the 3,139 German citizen proposals of the 2017 cycling dialogues of Bonn, Cologne-Ehrenfeld and
 * Moers (../shared/corpus/de-cycling-dialogues.csv; posts CC BY 4.0, attributed by their URL column;
 * annotated corpus CC BY-SA 4.0, Romberg & Escher, EGOV 2022).
 *
 * Protocol
 * - Concerns are the 8 `level1_*` columns (multi-label); the text is the title and the body.
 * - A fixed seed shuffles each stratum (`main_category_level1`); the first 5, 10, 20 and 50 % of
 *   every stratum are "labelled by a moderator" (nested: the 10 % share contains the 5 % share), in
 *   a shuffled order, and fed to the model one at a time as confirmations would arrive.
 *   Everything else is the test set of that share, and is only ever scored once.
 * - Three methods, each with the production decision rule (`decide` in model.ts):
 *   keyword-only (the keyword hints below, nothing learned, the default threshold),
 *   model-only (the same concerns without keywords, learned from the labelled share), and
 *   blended (keywords and learned model, as in production).
 * - Thresholds are tuned by 5-fold cross-validation inside the labelled share only (`tuneThreshold`),
 *   exactly as production re-tunes on a round's confirmed comments. No test row is used for any
 *   choice.
 * - The keyword hints were written from the label names alone (the level-1 names, and what a
 *   moderator of a cycling consultation would type in German), before any run of this evaluation,
 *   and were not changed after seeing results.
 * - Micro F1 over all (comment, concern) decisions and macro F1 as the mean of the 8 concerns' F1.
 */
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'csv-parse/sync'
import type { TaxonomyEntry } from './default-taxonomy'
import { type KeywordHit, compileKeywords, matchKeywords } from './keywords'
import {
  type ConcernModel,
  type LabelledExample,
  DEFAULT_OPTIONS,
  type ModelOptions,
  createModel,
  decide,
  f1Scores,
  learn,
  suggest,
  tuneThreshold,
} from './model'
import { analyze, features } from './text'

export const CORPUS_FILE = 'de-cycling-dialogues.csv'
export const ATTRIBUTION =
  'Cycling dialogues of Bonn, Cologne-Ehrenfeld and Moers (2017): posts CC BY 4.0, attributed by their URL; ' +
  'annotated corpus CC BY-SA 4.0, Romberg & Escher, "Automated Topic Categorisation of Citizens\' Contributions", EGOV 2022.'
export const DEFAULT_SEED = 42
export const DEFAULT_SHARES = [0.05, 0.1, 0.2, 0.5] as const

/** The project root: three levels above this module (app/modules/concerns). */
export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..')

/** The shared corpus folder, a sibling of the repository, unless CONCORD_CORPUS_DIR says otherwise. */
export function corpusDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.CONCORD_CORPUS_DIR ? path.resolve(env.CONCORD_CORPUS_DIR) : path.resolve(PROJECT_ROOT, '..', 'shared', 'corpus')
}

/**
 * German keyword hints per level-1 label, written from the label names only (see the protocol).
 * `misc` has none, like the default taxonomy's `other`.
 */
export const GERMAN_HINTS: Record<string, string[]> = {
  traffic_lights: ['Ampel', 'Ampelschaltung', 'Lichtsignalanlage', 'grüne Welle', 'Grünphase', 'Rotphase', 'Bettelampel'],
  lighting: ['Beleuchtung', 'beleuchtet', 'Straßenbeleuchtung', 'Laterne', 'dunkel', 'Licht'],
  signage: ['Schild', 'Beschilderung', 'Verkehrszeichen', 'Wegweiser', 'ausgeschildert', 'Markierung'],
  bicycle_parking: ['Fahrradständer', 'Abstellanlage', 'Fahrradparkplatz', 'Fahrradbügel', 'Radstation', 'abstellen', 'Stellplätze'],
  obstacles: ['Hindernis', 'Poller', 'zugeparkt', 'blockiert', 'Baustelle', 'Mülltonnen', 'Umlaufsperre'],
  cycling_traffic_management: ['Verkehrsführung', 'Einbahnstraße', 'Fahrradstraße', 'Radfahrstreifen', 'Schutzstreifen', 'Kreuzung', 'Radwegbenutzungspflicht'],
  cycle_path_quality: ['Schlagloch', 'Belag', 'Wurzel', 'holprig', 'uneben', 'zu schmal', 'Kopfsteinpflaster', 'Bordstein'],
  misc: [],
}

export type CorpusRow = { id: string; text: string; labels: string[]; stratum: string; url: string }

export type Corpus = { rows: CorpusRow[]; labels: string[] }

/** Reads the cycling-dialogues CSV (comma-separated, double-quoted, newlines inside quotes). */
export function loadCyclingCorpus(file = path.join(corpusDir(), CORPUS_FILE)): Corpus {
  const records = parse(fs.readFileSync(file, 'utf8'), {
    columns: true,
    skip_empty_lines: true,
    bom: true,
  }) as Record<string, string>[]
  const first = records[0]
  if (!first) throw new Error(`${file} has no rows`)
  const columns = Object.keys(first).filter((c) => c.startsWith('level1_'))
  const labels = columns.map((c) => c.slice('level1_'.length))
  const rows = records.map((r) => ({
    id: r.ID ?? '',
    text: [r.title, r.text].filter((s) => s && s.trim()).join('\n'),
    labels: columns.filter((c) => r[c] === '1').map((c) => c.slice('level1_'.length)),
    stratum: (r.main_category_level1 ?? '').replace(/^level1_/, ''),
    url: r.URL ?? '',
  }))
  return { rows, labels }
}

/** The corpus's labels as a taxonomy, with the German hints or without keywords. */
export function cyclingTaxonomy(labels: readonly string[], withKeywords: boolean): TaxonomyEntry[] {
  return labels.map((key): TaxonomyEntry => {
    const hints = GERMAN_HINTS[key] ?? []
    return { key, labels: { en: key.replace(/_/g, ' ') }, keywords: withKeywords && hints.length > 0 ? { de: hints } : {} }
  })
}

/** mulberry32: a small, fixed, seeded generator. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function shuffle<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items]
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    ;[out[i], out[j]] = [out[j]!, out[i]!]
  }
  return out
}

/**
 * A stratified, nested labelling plan: for each share, the indexes labelled (in the order a moderator
 * confirms them) and the indexes left for testing. Each stratum contributes round(share × size) rows
 * (at least one), taken from the front of its seeded shuffle, so a larger share extends a smaller one.
 */
export function labellingPlan(
  rows: readonly Pick<CorpusRow, 'stratum'>[],
  shares: readonly number[],
  seed: number,
): { share: number; labelled: number[]; test: number[] }[] {
  const random = seededRandom(seed)
  const strata = new Map<string, number[]>()
  rows.forEach((row, i) => {
    const list = strata.get(row.stratum)
    if (list) list.push(i)
    else strata.set(row.stratum, [i])
  })
  const shuffled = [...strata.keys()].sort().map((key) => shuffle(strata.get(key)!, random))
  // One arrival order for all rows; each share's labelled rows are confirmed in this order.
  const arrival = new Map(shuffle(rows.map((_, i) => i), random).map((row, position) => [row, position]))
  return shares.map((share) => {
    const labelledSet = new Set<number>()
    for (const list of shuffled) {
      const n = Math.min(list.length, Math.max(1, Math.round(share * list.length)))
      for (const i of list.slice(0, n)) labelledSet.add(i)
    }
    const labelled = [...labelledSet].sort((a, b) => arrival.get(a)! - arrival.get(b)!)
    const test = rows.map((_, i) => i).filter((i) => !labelledSet.has(i))
    return { share, labelled, test }
  })
}

export type MethodName = 'keywords' | 'model' | 'blended'
export type MethodResult = { micro: number; macro: number; threshold: number; tuned: boolean; perKey: Record<string, number> }
export type ShareResult = { share: number; labelled: number; test: number; methods: Record<MethodName, MethodResult> }
export type EvalResult = {
  corpus: string
  attribution: string
  rows: number
  labels: string[]
  seed: number
  options: ModelOptions
  shares: ShareResult[]
}

type Prepared = { tokens: string[]; hits: KeywordHit[]; keys: string[] }

/** Tokens and keyword hits of every row, computed once. */
export function prepare(rows: readonly CorpusRow[], labels: readonly string[]): Prepared[] {
  const index = compileKeywords(cyclingTaxonomy(labels, true))
  return rows.map((row) => {
    const analysis = analyze(row.text, 'de')
    return { tokens: features(analysis), hits: matchKeywords(index, analysis), keys: row.labels }
  })
}

function round(x: number): number {
  return Math.round(x * 10000) / 10000
}

function scoreMethod(
  model: ConcernModel,
  prepared: readonly Prepared[],
  labelled: readonly number[],
  test: readonly number[],
  labels: readonly string[],
  useHits: boolean,
): MethodResult {
  for (const i of labelled) learn(model, prepared[i]!.tokens, prepared[i]!.keys)
  const examples: LabelledExample[] = labelled.map((i) => ({
    tokens: prepared[i]!.tokens,
    hits: useHits ? prepared[i]!.hits : [],
    keys: prepared[i]!.keys,
  }))
  const tuning = tuneThreshold(model, examples)
  model.threshold = tuning.threshold
  const predicted = test.map((i) => {
    const p = prepared[i]!
    return decide(model, suggest(model, p.tokens, useHits ? p.hits : [])).map((s) => s.key)
  })
  const gold = test.map((i) => prepared[i]!.keys)
  const { micro, macro, perKey } = f1Scores(gold, predicted, labels)
  const rounded = Object.fromEntries(Object.entries(perKey).map(([k, v]) => [k, round(v)]))
  return { micro: round(micro), macro: round(macro), threshold: tuning.threshold, tuned: tuning.tuned, perKey: rounded }
}

/** Runs the whole protocol on a corpus. */
export function evaluate(
  corpus: Corpus,
  { seed = DEFAULT_SEED, shares = DEFAULT_SHARES, options = {} }: { seed?: number; shares?: readonly number[]; options?: Partial<ModelOptions> } = {},
): EvalResult {
  const { rows, labels } = corpus
  const prepared = prepare(rows, labels)
  const withKeywords = cyclingTaxonomy(labels, true)
  const withoutKeywords = cyclingTaxonomy(labels, false)
  const results: ShareResult[] = labellingPlan(rows, shares, seed).map(({ share, labelled, test }) => ({
    share,
    labelled: labelled.length,
    test: test.length,
    methods: {
      // Nothing learned: the keywords alone, under the production rule with its default threshold.
      keywords: scoreMethod(createModel(withKeywords, options), prepared, [], test, labels, true),
      model: scoreMethod(createModel(withoutKeywords, options), prepared, labelled, test, labels, false),
      blended: scoreMethod(createModel(withKeywords, options), prepared, labelled, test, labels, true),
    },
  }))
  return {
    corpus: CORPUS_FILE,
    attribution: ATTRIBUTION,
    rows: rows.length,
    labels,
    seed,
    options: { ...DEFAULT_OPTIONS, ...options },
    shares: results,
  }
}

/** A stratified sample of n rows (fixed seed), for quick checks. */
export function sampleCorpus(corpus: Corpus, n: number, seed = DEFAULT_SEED): Corpus {
  const [plan] = labellingPlan(corpus.rows, [Math.min(1, n / corpus.rows.length)], seed)
  const rows = plan!.labelled.slice(0, n).map((i) => corpus.rows[i]!)
  return { rows, labels: corpus.labels }
}

const percent = (x: number) => `${Math.round(x * 100)} %`
const fixed = (x: number) => x.toFixed(3)

/** The figures as a Markdown table. */
export function formatTable(result: EvalResult): string {
  const lines = [
    '| labelled | test rows | keywords micro | keywords macro | model micro | model macro | blended micro | blended macro |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|',
  ]
  for (const s of result.shares) {
    const { keywords, model, blended } = s.methods
    lines.push(
      `| ${percent(s.share)} (${s.labelled}) | ${s.test} | ${fixed(keywords.micro)} | ${fixed(keywords.macro)} | ${fixed(model.micro)} | ${fixed(model.macro)} | ${fixed(blended.micro)} | ${fixed(blended.macro)} |`,
    )
  }
  return lines.join('\n')
}
