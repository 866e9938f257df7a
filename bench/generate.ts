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

const LANGUAGE_MIX: [string, number][] = [
  ['en', 30],
  ['fr', 12],
  ['es', 12],
  ['zh', 10],
  ['ar', 10],
  ['ru', 10],
  ['de', 16],
]
const CATEGORY_MIX: [string, number][] = [
  ['civil_society', 30],
  ['tech_firm', 20],
  ['research', 18],
  ['government', 14],
  ['regional_body', 8],
  ['other', 10],
]
const POSITION_MIX: [string, number][] = [
  ['support', 35],
  ['amend', 30],
  ['oppose', 25],
  ['neutral', 10],
]
const COUNTRIES = 'US GB FR DE ES BR MX AR CA CN JP KR IN ID SG VN RU UA EG MA TN SN KE NG GH ZA ET AU NZ FJ SA AE TR PK BD CH SE PL IT NL'.split(' ')

export function generateRows(count: number, clauses: string[], sentences: Record<string, string[]>, seed = 20261127): Row[] {
  const rng = xoroshiro128plus(seed)
  const int = (from: number, to: number) => uniformInt(rng, from, to)
  const pick = <T>(list: readonly T[]) => list[int(0, list.length - 1)]!
  const weighted = (mix: [string, number][]) => {
    let roll = int(1, mix.reduce((sum, [, weight]) => sum + weight, 0))
    for (const [value, weight] of mix) if ((roll -= weight) <= 0) return value
    return mix[0]![0]
  }
  const compose = (language: string, min: number, max: number) => {
    const list = sentences[language] ?? sentences.en!
    return Array.from({ length: int(min, max) }, () => pick(list)).join(language === 'zh' ? '' : ' ')
  }
  // Twenty campaigns, each a text that its signatories vary a little.
  const campaigns = Array.from({ length: 20 }, () => {
    const language = weighted(LANGUAGE_MIX)
    return { language, text: compose(language, 3, 5), clause: pick(clauses), position: weighted(POSITION_MIX) }
  })
  const variants = [(t: string) => t, (t: string) => `${t}!`, (t: string) => t.toUpperCase(), (t: string) => `${t} ${t.slice(0, 12)}`]
  const rows: Row[] = []
  for (let i = 0; i < count; i++) {
    const base = {
      external_id: `bench-${i}`,
      stakeholder_category: weighted(CATEGORY_MIX),
      organization: int(0, 2) ? `Organization ${int(1, 500)}` : '',
      country: pick(COUNTRIES),
      concerns: '',
    }
    if (int(1, 10) === 1) {
      const campaign = pick(campaigns)
      rows.push({
        ...base,
        clause: campaign.clause,
        language: '',
        position: campaign.position,
        text: pick(variants)(campaign.text),
        proposed_text: '',
      })
      continue
    }
    const language = weighted(LANGUAGE_MIX)
    const position = weighted(POSITION_MIX)
    rows.push({
      ...base,
      clause: int(1, 8) === 1 ? '' : pick(clauses),
      // Half the rows say their language; the rest are detected on import.
      language: int(0, 1) ? language : '',
      position,
      text: compose(language, 1, 4),
      proposed_text: position === 'amend' ? compose(language, 1, 1) : '',
    })
  }
  return rows
}
