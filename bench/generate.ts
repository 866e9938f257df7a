/**
 * Reproducible synthetic comment rows in Concord's import format (DESIGN.md): a seeded mix of
 * languages, stakeholder categories, countries, clauses and positions, with about 10 % of the rows
 * belonging to campaigns (near-identical texts).
 */
import { uniformInt } from 'pure-rand/distribution/uniformInt'
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus'

export type Row = {
  external_id: string
  clause: string
  stakeholder_category: string
  organization: string
  country: string
  language: string
  position: string
  text: string
  proposed_text: string
  concerns: string
}

/** A generated comment: its import row, the language it is really written in, and its campaign. */
export type Generated = { row: Row; language: string; campaign: number | null }

export const LANGUAGE_MIX: [string, number][] = [
  ['en', 30],
  ['fr', 12],
  ['es', 12],
  ['zh', 10],
  ['ar', 10],
  ['ru', 10],
  ['de', 16],
]
export const CATEGORY_MIX: [string, number][] = [
  ['civil_society', 30],
  ['tech_firm', 20],
  ['research', 18],
  ['government', 14],
  ['regional_body', 8],
  ['other', 10],
]
export const POSITION_MIX: [string, number][] = [
  ['support', 35],
  ['amend', 30],
  ['oppose', 25],
  ['neutral', 10],
]
export const COUNTRIES = 'US GB FR DE ES BR MX AR CA CN JP KR IN ID SG VN RU UA EG MA TN SN KE NG GH ZA ET AU NZ FJ SA AE TR PK BD CH SE PL IT NL'.split(' ')
export const CAMPAIGNS = 20

/** A seeded source of choices: the same seed gives the same sequence on every machine. */
export function createRandom(seed: number) {
  const rng = xoroshiro128plus(seed)
  const int = (from: number, to: number) => uniformInt(rng, from, to)
  return {
    int,
    pick: <T>(list: readonly T[]) => list[int(0, list.length - 1)]!,
    /** True with probability percent / 100. */
    chance: (percent: number) => int(1, 10_000) <= percent * 100,
    weighted: (mix: [string, number][]) => {
      let roll = int(1, mix.reduce((sum, [, weight]) => sum + weight, 0))
      for (const [value, weight] of mix) if ((roll -= weight) <= 0) return value
      return mix[0]![0]
    },
  }
}

export type Random = ReturnType<typeof createRandom>

/**
 * Rows one at a time, so a million of them never sit in memory together. A comment is 1 to 4
 * sentences of its language; where a language has fewer sentences to draw from, 2 to 5 (under
 * 2,000 sentences) or 3 to 6 (under 200), so that two unrelated comments are rarely identical by
 * chance and the campaigns are the twenty made on purpose, not hundreds made by the small corpora.
 */
export function* generate(count: number, clauses: string[], sentences: Record<string, string[]>, seed = 20261127): Generator<Generated> {
  const random = createRandom(seed)
  const { int, pick, weighted } = random
  const compose = (language: string, min: number, max: number) => {
    const list = sentences[language] ?? sentences.en!
    const extra = list.length >= 2000 ? 0 : list.length >= 200 ? 1 : 2
    const [low, high] = [min + extra, max + extra]
    return Array.from({ length: int(low, high) }, () => pick(list)).join(language === 'zh' ? '' : ' ')
  }
  // Twenty campaigns, each a text that its signatories vary a little.
  const campaigns = Array.from({ length: CAMPAIGNS }, () => {
    const language = weighted(LANGUAGE_MIX)
    return { language, text: compose(language, 3, 5), clause: pick(clauses), position: weighted(POSITION_MIX) }
  })
  const variants = [(t: string) => t, (t: string) => `${t}!`, (t: string) => t.toUpperCase(), (t: string) => `${t} ${t.slice(0, 12)}`]
  for (let i = 0; i < count; i++) {
    const base = {
      external_id: `bench-${i}`,
      stakeholder_category: weighted(CATEGORY_MIX),
      organization: int(0, 2) ? `Organization ${int(1, 500)}` : '',
      country: pick(COUNTRIES),
      concerns: '',
    }
    if (int(1, 10) === 1) {
      const index = int(0, campaigns.length - 1)
      const campaign = campaigns[index]!
      yield {
        row: {
          ...base,
          clause: campaign.clause,
          language: '',
          position: campaign.position,
          text: pick(variants)(campaign.text),
          proposed_text: '',
        },
        language: campaign.language,
        campaign: index,
      }
      continue
    }
    const language = weighted(LANGUAGE_MIX)
    const position = weighted(POSITION_MIX)
    yield {
      row: {
        ...base,
        clause: int(1, 8) === 1 ? '' : pick(clauses),
        // Half the rows say their language; the rest are detected on import.
        language: int(0, 1) ? language : '',
        position,
        text: compose(language, 1, 4),
        proposed_text: position === 'amend' ? compose(language, 1, 1) : '',
      },
      language,
      campaign: null,
    }
  }
}

export function generateRows(count: number, clauses: string[], sentences: Record<string, string[]>, seed = 20261127): Row[] {
  return Array.from(generate(count, clauses, sentences, seed), (generated) => generated.row)
}
