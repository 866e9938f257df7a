/**
 * The concern suggestion model: keyword hints blended with a small learned model, per round.
 *
 * Learned part: one-vs-rest multinomial Naive Bayes over binary, hashed features. For each concern
 * it keeps, per feature bucket, in how many confirmed comments with that concern the feature occurs;
 * one shared table counts the feature in all confirmed comments, so the "without" side is the
 * difference. Counting makes learning exact and incremental: `learn` adds one confirmed comment,
 * `unlearn` subtracts it again (when a moderator changes a label) and leaves the model as if it had
 * never been seen; order does not matter. Features are hashed into a fixed number of buckets, so
 * memory is bounded whatever the vocabulary of a round. Feature distributions are smoothed toward the
 * background distribution of all confirmed comments (a Dirichlet prior), which keeps a concern with
 * a handful of confirmations from being certain on one shared word.
 *
 * Blend: a concern's keyword score is a noisy-OR over the distinct keywords found,
 * 1 − (1 − p)^hits, each keyword counting as evidence of precision p. It acts as a prior worth
 * k confirmed comments: score = w·keywords + (1 − w)·model with w = k / (k + n), n the number of
 * comments confirmed with that concern. With no confirmed comment the keywords decide alone; with k
 * the two weigh the same; with many the model takes over. A concern without keywords has no prior:
 * its score is the model's. A concern the model has never seen confirmed scores 0 in the model.
 *
 * Decision: a suggestion counts as "suggested" when its score reaches the model's threshold, at most
 * `maxSuggestions` per comment, best first. The threshold starts at 0.5 and is re-tuned by k-fold
 * cross-validation on the round's confirmed comments alone (`tuneThreshold`), once there are enough.
 *
 * The whole state is a plain JSON object: `serialize` and `deserialize` keep it in a text column.
 *
 * The defaults (smoothing 1000 and k = 30 chosen; p = 0.6 and at most 3 suggestions checked) come from 5-fold
 * cross-validation inside the labelled shares of the evaluation corpus (eval.ts), never on its test
 * rows; the threshold is tuned per round.
 */
import type { TaxonomyEntry } from './default-taxonomy'
import { type KeywordHit, type KeywordIndex, compileKeywords, matchKeywords } from './keywords'
import { TOKENIZER_VERSION, analyze, features } from './text'

export const MODEL_VERSION = 1

export type ModelOptions = {
  /** Number of feature buckets (hashing). */
  buckets: number
  /** Additive smoothing of the background distribution of features. */
  alpha: number
  /** Strength (mu) of the Dirichlet prior that pulls each concern's feature distribution to the background. */
  smoothing: number
  /** How many confirmed comments the keyword hints of a concern are worth (k). */
  keywordWeight: number
  /** Evidence of one keyword found (p in the noisy-OR). */
  keywordPrecision: number
  /** Threshold used until enough comments are confirmed to tune one. */
  defaultThreshold: number
  /** At most this many suggestions per comment count as suggested. */
  maxSuggestions: number
  /** Confirmed comments needed before the threshold is tuned by cross-validation. */
  minTuningExamples: number
}

export const DEFAULT_OPTIONS: ModelOptions = {
  buckets: 1 << 18,
  alpha: 0.5,
  smoothing: 1000,
  keywordWeight: 30,
  keywordPrecision: 0.6,
  defaultThreshold: 0.5,
  maxSuggestions: 3,
  minTuningExamples: 30,
}

/** Counts for one concern: confirmed comments with it, their feature total, counts per bucket. */
export type ConcernStats = { docs: number; mass: number; counts: Record<number, number> }

export type ConcernModel = {
  version: typeof MODEL_VERSION
  /** The text analysis the counts were made with (see text.ts). */
  tokenizer: string
  options: ModelOptions
  /** The round's concerns, with their keyword hints; only these are suggested. */
  taxonomy: TaxonomyEntry[]
  /** Current decision threshold (see tuneThreshold). */
  threshold: number
  /** Confirmed comments learned, and their feature total. */
  docs: number
  mass: number
  /** In how many confirmed comments each bucket occurs. */
  df: Record<number, number>
  /** Number of buckets with df > 0. */
  vocabulary: number
  concerns: Record<string, ConcernStats>
}

export type Suggestion = { key: string; score: number }

export function createModel(taxonomy: readonly TaxonomyEntry[], options: Partial<ModelOptions> = {}): ConcernModel {
  const opts = { ...DEFAULT_OPTIONS, ...options }
  return {
    version: MODEL_VERSION,
    tokenizer: TOKENIZER_VERSION,
    options: opts,
    taxonomy: structuredClone([...taxonomy]),
    threshold: opts.defaultThreshold,
    docs: 0,
    mass: 0,
    df: {},
    vocabulary: 0,
    concerns: {},
  }
}

/** Replaces the round's concerns and keywords (after moderators add, rename or edit them). */
export function setTaxonomy(model: ConcernModel, taxonomy: readonly TaxonomyEntry[]): void {
  model.taxonomy = structuredClone([...taxonomy])
}

/** Moves what was learned for a concern to its new key (a rename). */
export function renameConcern(model: ConcernModel, from: string, to: string): void {
  const stats = model.concerns[from]
  if (!stats || from === to) return
  if (model.concerns[to]) throw new Error(`Concern "${to}" already has confirmed comments; rebuild the model to merge`)
  model.concerns[to] = stats
  delete model.concerns[from]
}

/** FNV-1a, 32 bits. */
function hash(token: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < token.length; i++) {
    h ^= token.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return h >>> 0
}

/** The distinct feature buckets of a comment's tokens. */
export function buckets(model: ConcernModel, tokens: readonly string[]): number[] {
  const set = new Set<number>()
  for (const token of tokens) set.add(hash(token) % model.options.buckets)
  return [...set]
}

/** Learns one confirmed comment: its tokens (see text.ts tokenize) and the concerns confirmed for it. */
export function learn(model: ConcernModel, tokens: readonly string[], keys: readonly string[]): void {
  const features = buckets(model, tokens)
  model.docs += 1
  model.mass += features.length
  for (const f of features) {
    const before = model.df[f] ?? 0
    if (before === 0) model.vocabulary += 1
    model.df[f] = before + 1
  }
  for (const key of new Set(keys)) {
    const stats = (model.concerns[key] ??= { docs: 0, mass: 0, counts: {} })
    stats.docs += 1
    stats.mass += features.length
    for (const f of features) stats.counts[f] = (stats.counts[f] ?? 0) + 1
  }
}

/**
 * Forgets one comment learned before with the same tokens and concerns, exactly. Returns false and
 * changes nothing when the model does not hold such a comment (then rebuild it from the labels).
 */
export function unlearn(model: ConcernModel, tokens: readonly string[], keys: readonly string[]): boolean {
  const features = buckets(model, tokens)
  const distinctKeys = [...new Set(keys)]
  if (model.docs < 1) return false
  for (const f of features) if ((model.df[f] ?? 0) < 1) return false
  for (const key of distinctKeys) {
    const stats = model.concerns[key]
    if (!stats || stats.docs < 1) return false
    for (const f of features) if ((stats.counts[f] ?? 0) < 1) return false
  }
  model.docs -= 1
  model.mass -= features.length
  for (const f of features) {
    const after = model.df[f]! - 1
    if (after === 0) {
      delete model.df[f]
      model.vocabulary -= 1
    } else model.df[f] = after
  }
  for (const key of distinctKeys) {
    const stats = model.concerns[key]!
    stats.docs -= 1
    stats.mass -= features.length
    for (const f of features) {
      const after = stats.counts[f]! - 1
      if (after === 0) delete stats.counts[f]
      else stats.counts[f] = after
    }
    if (stats.docs === 0) delete model.concerns[key]
  }
  return true
}

/** A moderator changed the concerns of a learned comment. */
export function relabel(
  model: ConcernModel,
  tokens: readonly string[],
  before: readonly string[],
  after: readonly string[],
): boolean {
  if (!unlearn(model, tokens, before)) return false
  learn(model, tokens, after)
  return true
}

function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x))
}

/**
 * The learned model's probability that a comment with these buckets has the concern; 0 if the
 * concern was never confirmed. One-vs-rest multinomial Naive Bayes: prior odds of the concern, plus,
 * for each known feature of the comment, the log ratio of its probability among comments with and
 * without the concern. Both distributions are smoothed toward the background distribution of all
 * confirmed comments (Dirichlet prior of strength mu), so a feature seen once in a small concern
 * moves its score a little, not all the way.
 */
function modelScore(model: ConcernModel, stats: ConcernStats | undefined, features: readonly number[]): number {
  if (!stats || stats.docs === 0) return 0
  const { alpha, smoothing: mu } = model.options
  const negMass = model.mass - stats.mass
  const background = model.mass + alpha * Math.max(1, model.vocabulary)
  const logPos = Math.log(stats.mass + mu)
  const logNeg = Math.log(negMass + mu)
  let logit = Math.log((stats.docs + 1) / (model.docs - stats.docs + 1))
  for (const f of features) {
    const df = model.df[f]
    if (!df) continue
    const prior = (mu * (df + alpha)) / background
    const pos = stats.counts[f] ?? 0
    logit += Math.log(pos + prior) - logPos - Math.log(df - pos + prior) + logNeg
  }
  return sigmoid(logit)
}

const keywordIndexes = new WeakMap<readonly TaxonomyEntry[], KeywordIndex>()

/** The compiled keyword hints of the model's taxonomy (compiled once per taxonomy). */
export function keywordIndex(model: ConcernModel): KeywordIndex {
  let index = keywordIndexes.get(model.taxonomy)
  if (!index) {
    index = compileKeywords(model.taxonomy)
    keywordIndexes.set(model.taxonomy, index)
  }
  return index
}

/**
 * Scores every concern of the taxonomy for a comment, best first (ties in taxonomy order), leaving
 * out those that score 0. Scores are in [0, 1].
 */
export function suggest(model: ConcernModel, tokens: readonly string[], hits: readonly KeywordHit[]): Suggestion[] {
  const features = buckets(model, tokens)
  const hitCounts = new Map<string, number>()
  for (const hit of hits) hitCounts.set(hit.key, (hitCounts.get(hit.key) ?? 0) + 1)
  const withKeywords = keywordIndex(model).keys
  const { keywordWeight, keywordPrecision } = model.options
  const result: Suggestion[] = []
  for (const { key } of model.taxonomy) {
    const stats = model.concerns[key]
    const learned = modelScore(model, stats, features)
    let score = learned
    if (withKeywords.has(key)) {
      const keywords = 1 - (1 - keywordPrecision) ** (hitCounts.get(key) ?? 0)
      const w = keywordWeight / (keywordWeight + (stats?.docs ?? 0))
      score = w * keywords + (1 - w) * learned
    }
    if (score > 0) result.push({ key, score })
  }
  return result.sort((a, b) => b.score - a.score)
}

/** The suggestions that count as suggested: at or above the threshold, at most maxSuggestions. */
export function decide(model: ConcernModel, suggestions: readonly Suggestion[], threshold = model.threshold): Suggestion[] {
  return suggestions.filter((s) => s.score >= threshold).slice(0, model.options.maxSuggestions)
}

export type SuggestionResult = {
  /** Every concern that scored above 0, best first. */
  scores: Suggestion[]
  /** Those that count as suggested (see decide). */
  suggested: Suggestion[]
  /** The keywords found. */
  hits: KeywordHit[]
  /** The comment's features, as `learn` takes them once a moderator confirms its concerns. */
  tokens: string[]
}

/** Suggests concerns for a comment's text in its language (BCP 47 tag, or null when unknown). */
export function suggestFor(text: string, language: string | null | undefined, model: ConcernModel): SuggestionResult {
  const analysis = analyze(text, language)
  const tokens = features(analysis)
  const hits = matchKeywords(keywordIndex(model), analysis)
  const scores = suggest(model, tokens, hits)
  return { scores, suggested: decide(model, scores), hits, tokens }
}

/** A comment whose concerns a moderator confirmed (or an imported labelled row). */
export type LabelledExample = { tokens: readonly string[]; hits: readonly KeywordHit[]; keys: readonly string[] }

/** Learns many confirmed comments, one at a time, in order. */
export function learnAll(model: ConcernModel, examples: Iterable<Pick<LabelledExample, 'tokens' | 'keys'>>): void {
  for (const example of examples) learn(model, example.tokens, example.keys)
}

export type F1 = { micro: number; macro: number; perKey: Record<string, number> }

/**
 * Micro and macro F1 of predicted concern sets against the gold sets. Macro F1 averages over the
 * given keys that occur at least once in the gold sets; micro F1 counts every decision.
 */
export function f1Scores(gold: readonly (readonly string[])[], predicted: readonly (readonly string[])[], keys: readonly string[]): F1 {
  const tp = new Map<string, number>()
  const fp = new Map<string, number>()
  const fn = new Map<string, number>()
  const add = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1)
  gold.forEach((goldKeys, i) => {
    const g = new Set(goldKeys)
    const p = new Set(predicted[i] ?? [])
    for (const key of p) add(g.has(key) ? tp : fp, key)
    for (const key of g) if (!p.has(key)) add(fn, key)
  })
  const sum = (map: Map<string, number>) => [...map.values()].reduce((a, b) => a + b, 0)
  const f1 = (t: number, p: number, n: number) => (t === 0 ? 0 : (2 * t) / (2 * t + p + n))
  const perKey: Record<string, number> = {}
  const supported = keys.filter((key) => (tp.get(key) ?? 0) + (fn.get(key) ?? 0) > 0)
  for (const key of supported) perKey[key] = f1(tp.get(key) ?? 0, fp.get(key) ?? 0, fn.get(key) ?? 0)
  const macro = supported.length === 0 ? 0 : supported.reduce((a, key) => a + perKey[key]!, 0) / supported.length
  return { micro: f1(sum(tp), sum(fp), sum(fn)), macro, perKey }
}

export type Tuning = { threshold: number; tuned: boolean; objective: number | null; folds: number; examples: number }

export const THRESHOLD_GRID = Array.from({ length: 99 }, (_, i) => (i + 1) / 100)

/**
 * Chooses the decision threshold by k-fold cross-validation on confirmed comments only: each fold
 * is scored by a model that learned the other folds (from the same taxonomy and options), and the
 * threshold from THRESHOLD_GRID with the best mean of micro and macro F1 wins (ties: nearest the
 * default). With fewer than minTuningExamples confirmed comments the default threshold is kept.
 * Folds are assigned by position (i mod k), so the result is deterministic.
 */
export function tuneThreshold(
  model: ConcernModel,
  examples: readonly LabelledExample[],
  folds = 5,
): Tuning {
  const { defaultThreshold, minTuningExamples } = model.options
  if (examples.length < Math.max(minTuningExamples, folds)) {
    return { threshold: defaultThreshold, tuned: false, objective: null, folds: 0, examples: examples.length }
  }
  const scored: Suggestion[][] = new Array<Suggestion[]>(examples.length)
  for (let fold = 0; fold < folds; fold++) {
    const inner = createModel(model.taxonomy, model.options)
    // The fold models share the taxonomy array, so its keywords are compiled once.
    inner.taxonomy = model.taxonomy
    examples.forEach((example, i) => {
      if (i % folds !== fold) learn(inner, example.tokens, example.keys)
    })
    examples.forEach((example, i) => {
      if (i % folds === fold) scored[i] = suggest(inner, example.tokens, example.hits)
    })
  }
  const gold = examples.map((example) => example.keys)
  const keys = model.taxonomy.map((entry) => entry.key)
  let best = { threshold: defaultThreshold, objective: -1 }
  for (const threshold of THRESHOLD_GRID) {
    const predicted = scored.map((s) => decide(model, s, threshold).map((x) => x.key))
    const { micro, macro } = f1Scores(gold, predicted, keys)
    const objective = (micro + macro) / 2
    const better =
      objective > best.objective + 1e-12 ||
      (Math.abs(objective - best.objective) <= 1e-12 &&
        Math.abs(threshold - defaultThreshold) < Math.abs(best.threshold - defaultThreshold))
    if (better) best = { threshold, objective }
  }
  return { threshold: best.threshold, tuned: true, objective: best.objective, folds, examples: examples.length }
}

/** Tunes the model's threshold on its round's confirmed comments and keeps it in the model. */
export function retune(model: ConcernModel, examples: readonly LabelledExample[]): Tuning {
  const tuning = tuneThreshold(model, examples)
  model.threshold = tuning.threshold
  return tuning
}

/** Whether the model was counted with another text analysis, and must be rebuilt from the labels. */
export function needsRebuild(model: ConcernModel): boolean {
  return model.tokenizer !== TOKENIZER_VERSION
}

export function serialize(model: ConcernModel): string {
  return JSON.stringify(model)
}

export function deserialize(json: string): ConcernModel {
  const value: unknown = JSON.parse(json)
  if (!value || typeof value !== 'object') throw new Error('Not a concern model')
  const model = value as ConcernModel
  if (model.version !== MODEL_VERSION) throw new Error(`Unsupported concern model version: ${String(model.version)}`)
  if (
    typeof model.docs !== 'number' ||
    typeof model.mass !== 'number' ||
    typeof model.vocabulary !== 'number' ||
    typeof model.threshold !== 'number' ||
    !Array.isArray(model.taxonomy) ||
    !model.df ||
    typeof model.df !== 'object' ||
    !model.concerns ||
    typeof model.concerns !== 'object'
  ) {
    throw new Error('Not a concern model')
  }
  model.options = { ...DEFAULT_OPTIONS, ...model.options }
  return model
}
