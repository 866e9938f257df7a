import { DEFAULT_TAXONOMY, type TaxonomyEntry } from './default-taxonomy'
import { evaluate, loadCyclingCorpus, sampleCorpus } from './eval'
import {
  type ConcernModel,
  createModel,
  decide,
  deserialize,
  f1Scores,
  learn,
  relabel,
  serialize,
  setTaxonomy,
  suggest,
  suggestFor,
  tuneThreshold,
  unlearn,
} from './model'
import { tokenize } from './text'

/** Concerns without keywords: scores come from the learned model alone. */
const taxonomy: TaxonomyEntry[] = [
  { key: 'parking', labels: { en: 'Bicycle parking' }, keywords: {} },
  { key: 'lights', labels: { en: 'Traffic lights' }, keywords: {} },
  { key: 'surface', labels: { en: 'Surface' }, keywords: {} },
]

/** The same with keyword hints for two of them. */
const withKeywords: TaxonomyEntry[] = [
  { key: 'parking', labels: { en: 'Bicycle parking' }, keywords: { en: ['bike rack'] } },
  { key: 'lights', labels: { en: 'Traffic lights' }, keywords: { en: ['traffic light'] } },
  { key: 'surface', labels: { en: 'Surface' }, keywords: {} },
]

const confirmed: [string, string[]][] = [
  ['We need more places to leave bicycles near the station', ['parking']],
  ['Bicycles are stolen because there is nowhere to lock them at the station', ['parking']],
  ['There is no space to park a bicycle at the library', ['parking']],
  ['The signal stays red far too long for cyclists at the crossing', ['lights']],
  ['Cyclists wait for the green signal for minutes at every crossing', ['lights']],
  ['The red phase at the crossing is far too long', ['lights']],
  ['The path is full of potholes and cracks after the winter', ['surface']],
  ['Roots have broken the asphalt of the path by the river', ['surface']],
  ['Potholes and broken asphalt make the path dangerous', ['surface']],
]

function trained(tax = taxonomy): ConcernModel {
  const model = createModel(tax)
  for (const [text, keys] of confirmed) learn(model, tokenize(text, 'en'), keys)
  return model
}

const scoreOf = (model: ConcernModel, text: string, key: string) =>
  suggestFor(text, 'en', model).scores.find((s) => s.key === key)?.score ?? 0

describe('learning', () => {
  test('confirmed comments move the scores toward their concerns', () => {
    const text = 'Nowhere to lock a bicycle at the station'
    const before = createModel(taxonomy)
    expect(scoreOf(before, text, 'parking')).toBe(0)
    const model = trained()
    const scores = suggestFor(text, 'en', model).scores
    expect(scores[0]!.key).toBe('parking')
    expect(scoreOf(model, text, 'parking')).toBeGreaterThan(scoreOf(model, text, 'lights'))
    expect(suggestFor('Potholes everywhere on the asphalt', 'en', model).scores[0]!.key).toBe('surface')
    expect(scoreOf(model, 'Potholes everywhere on the asphalt', 'surface')).toBeGreaterThan(
      scoreOf(before, 'Potholes everywhere on the asphalt', 'surface'),
    )
  })

  test('each new confirmation raises the score of a similar comment', () => {
    const model = createModel(taxonomy)
    const text = 'The red signal at the crossing is too long'
    const seen: number[] = []
    for (const [t, keys] of confirmed.filter(([, k]) => k[0] === 'lights')) {
      learn(model, tokenize(t, 'en'), keys)
      learn(model, tokenize('Potholes on the path', 'en'), ['surface'])
      seen.push(scoreOf(model, text, 'lights'))
    }
    expect(seen[1]).toBeGreaterThan(seen[0]!)
    expect(seen[2]).toBeGreaterThan(seen[1]!)
  })

  test('learns comments in any language', () => {
    const model = createModel(taxonomy)
    learn(model, tokenize('自行车停车位太少，车站附近无处停放自行车', 'zh'), ['parking'])
    learn(model, tokenize('路面坑洼不平，自行车道破损严重', 'zh'), ['surface'])
    learn(model, tokenize('Le feu rouge est trop long pour les cyclistes', 'fr'), ['lights'])
    const result = suggestFor('车站附近需要更多自行车停车位', 'zh', model)
    expect(result.scores[0]!.key).toBe('parking')
    expect(suggestFor('Les feux rouges sont trop longs', 'fr', model).scores[0]!.key).toBe('lights')
  })
})

describe('unlearn', () => {
  test('forgetting a comment returns the model to exactly what it was', () => {
    const model = trained()
    const before = serialize(model)
    const tokens = tokenize('Potholes near the station where bicycles are parked', 'en')
    learn(model, tokens, ['surface', 'parking'])
    expect(serialize(model)).not.toBe(before)
    expect(unlearn(model, tokens, ['surface', 'parking'])).toBe(true)
    expect(serialize(model)).toBe(before)
  })

  test('a moderator changing a label moves the score', () => {
    const model = trained()
    const tokens = tokenize('The crossing by the library', 'en')
    learn(model, tokens, ['parking'])
    const text = 'The crossing by the library again'
    const parkingBefore = scoreOf(model, text, 'parking')
    expect(relabel(model, tokens, ['parking'], ['lights'])).toBe(true)
    expect(scoreOf(model, text, 'parking')).toBeLessThan(parkingBefore)
  })

  test('a comment that was never learned is refused and nothing changes', () => {
    const model = trained()
    const before = serialize(model)
    expect(unlearn(model, tokenize('Something never seen before', 'en'), ['parking'])).toBe(false)
    expect(unlearn(model, tokenize(confirmed[0]![0], 'en'), ['lights'])).toBe(false)
    expect(serialize(model)).toBe(before)
  })
})

describe('keywords and the blend', () => {
  test('with nothing learned, a keyword hit scores by the noisy-OR and is suggested', () => {
    const model = createModel(DEFAULT_TAXONOMY)
    const result = suggestFor('Encryption protects privacy; weakening it endangers personal data.', 'en', model)
    expect(result.suggested.map((s) => s.key)).toEqual(['privacy'])
    // Three distinct keywords found: 1 − 0.4³.
    expect(result.scores[0]!.score).toBeCloseTo(1 - 0.4 ** 3, 10)
  })

  test('the keyword prior weighs k confirmations: w = k / (k + n)', () => {
    const model = trained(withKeywords)
    const tokens = tokenize('Nothing about anything', 'en')
    const hits = [{ key: 'parking', keyword: 'bike rack', language: 'en' }]
    const withHit = suggest(model, tokens, hits).find((s) => s.key === 'parking')!.score
    const withoutHit = suggest(model, tokens, []).find((s) => s.key === 'parking')!.score
    const k = model.options.keywordWeight
    const n = 3
    // The difference is the keyword score (0.6 for one keyword) times its weight.
    expect(withHit - withoutHit).toBeCloseTo((k / (k + n)) * 0.6, 10)
  })

  test('a concern without keywords is scored by the learned model alone', () => {
    const tokens = tokenize('Potholes on the asphalt path', 'en')
    const blended = suggest(trained(withKeywords), tokens, []).find((s) => s.key === 'surface')!.score
    const alone = suggest(trained(taxonomy), tokens, []).find((s) => s.key === 'surface')!.score
    expect(blended).toBe(alone)
  })

  test('until a concern is confirmed often, its keywords outweigh the learned model', () => {
    const text = 'Nowhere to lock a bicycle at the station'
    // Three confirmations against k = 30: no keyword found, so the score stays low…
    expect(scoreOf(trained(withKeywords), text, 'parking')).toBeLessThan(0.2)
    // …while the learned model alone already ranks the concern first.
    expect(suggestFor(text, 'en', trained(taxonomy)).scores[0]!.key).toBe('parking')
    // With a keyword found, the concern comes first.
    expect(suggestFor('Nowhere to lock a bicycle: we need a bike rack', 'en', trained(withKeywords)).scores[0]!.key).toBe('parking')
  })

  test('only concerns of the taxonomy are suggested, best first, scores in [0, 1]', () => {
    const model = trained(withKeywords)
    setTaxonomy(model, withKeywords.filter((t) => t.key !== 'surface'))
    const scores = suggestFor('Potholes near the bike rack', 'en', model).scores
    expect(scores.map((s) => s.key)).not.toContain('surface')
    for (const s of scores) expect(s.score).toBeGreaterThanOrEqual(0)
    for (const s of scores) expect(s.score).toBeLessThanOrEqual(1)
    expect([...scores].sort((a, b) => b.score - a.score)).toEqual(scores)
  })
})

describe('decision rule', () => {
  test('suggested: at or above the threshold, at most maxSuggestions', () => {
    const model = createModel(taxonomy, { maxSuggestions: 2 })
    const scores = [
      { key: 'a', score: 0.9 },
      { key: 'b', score: 0.6 },
      { key: 'c', score: 0.55 },
      { key: 'd', score: 0.2 },
    ]
    expect(decide(model, scores).map((s) => s.key)).toEqual(['a', 'b'])
    expect(decide(model, scores, 0.95)).toEqual([])
  })

  test('the threshold keeps its default until enough comments are confirmed', () => {
    const model = trained()
    const examples = confirmed.map(([text, keys]) => ({ tokens: tokenize(text, 'en'), hits: [], keys }))
    expect(tuneThreshold(model, examples)).toMatchObject({ tuned: false, threshold: 0.5 })
  })

  test('threshold tuning is deterministic and uses the examples it is given', () => {
    const model = createModel(taxonomy, { minTuningExamples: 9 })
    const examples = confirmed.map(([text, keys]) => ({ tokens: tokenize(text, 'en'), hits: [], keys }))
    const first = tuneThreshold(model, examples, 3)
    expect(first.tuned).toBe(true)
    expect(tuneThreshold(model, examples, 3)).toEqual(first)
  })

  test('micro and macro F1', () => {
    const gold = [['a'], ['a', 'b'], ['b'], ['c']]
    const predicted = [['a'], ['a'], ['a'], []]
    const { micro, macro, perKey } = f1Scores(gold, predicted, ['a', 'b', 'c', 'unused'])
    // a: tp 2, fp 1, fn 0 → 0.8; b: tp 0 → 0; c: tp 0 → 0; 'unused' has no support and is left out.
    expect(perKey).toEqual({ a: 0.8, b: 0, c: 0 })
    expect(macro).toBeCloseTo(0.8 / 3, 10)
    // All: tp 2, fp 1, fn 3 → 2·2 / (2·2 + 1 + 3).
    expect(micro).toBeCloseTo(0.5, 10)
  })
})

describe('state', () => {
  test('round-trips through JSON and suggests the same', () => {
    const model = trained()
    const copy = deserialize(serialize(model))
    expect(copy).toEqual(model)
    const text = 'Potholes and a broken bike rack at the station'
    expect(suggestFor(text, 'en', copy)).toEqual(suggestFor(text, 'en', model))
    learn(copy, tokenize('One more', 'en'), ['surface'])
    expect(copy.docs).toBe(model.docs + 1)
  })

  test('rejects what is not a model', () => {
    expect(() => deserialize('{"version": 2}')).toThrow(/version/)
    expect(() => deserialize('[]')).toThrow()
    expect(() => deserialize('{"version": 1}')).toThrow(/Not a concern model/)
  })

  test('is deterministic: the order of confirmations does not change a score', () => {
    const a = createModel(taxonomy)
    const b = createModel(taxonomy)
    for (const [text, keys] of confirmed) learn(a, tokenize(text, 'en'), keys)
    for (const [text, keys] of [...confirmed].reverse()) learn(b, tokenize(text, 'en'), keys)
    const text = 'The red signal by the station where bicycles are parked'
    expect(suggestFor(text, 'en', a).scores).toEqual(suggestFor(text, 'en', b).scores)
  })
})

describe('on real comments', () => {
  test('with 20 % of 400 German comments labelled, the model beats the keyword baseline', () => {
    const subset = sampleCorpus(loadCyclingCorpus(), 400)
    const [result] = evaluate(subset, { shares: [0.2] }).shares
    const { keywords, blended } = result!.methods
    expect(result!.labelled).toBeGreaterThanOrEqual(75)
    expect(blended.macro).toBeGreaterThan(keywords.macro)
    expect(blended.micro).toBeGreaterThan(keywords.micro)
  })
})
