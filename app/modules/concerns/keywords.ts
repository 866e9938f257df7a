/**
 * Keyword hints: the keywords of a concern taxonomy, in any language, found in a comment.
 *
 * A keyword is analysed with its own language (see text.ts) and matches a run of consecutive words
 * of the comment (stop words included, so "freedom of expression" stays a phrase). A keyword word
 * matches a comment word when:
 * - both are equal once folded and stripped of diacritics ("economique" finds "économique");
 * - the comment is in the keyword's language and both have the same stem ("costs" finds "cost",
 *   "безопасности" finds "безопасность");
 * - the keyword word has at least 5 letters and begins the comment word: moderators write stems
 *   such as "шифровани", and this also finds "Ampelschaltung" for "Ampel";
 * - in a compounding language (German, Dutch, Scandinavian, Finnish), the keyword word has at least
 *   4 letters and occurs inside the comment word ("Fahrradampel" for "Ampel").
 * Keywords in scripts written without spaces (Chinese, Japanese, Thai…) are found as substrings of the
 * folded text, which does not depend on the word segmenter.
 */
import type { TaxonomyEntry } from './default-taxonomy'
import { type Analysis, COMPOUNDING_LANGUAGES, type Word, analyze, isUnspaced, primaryLanguage, stripMarks, fold } from './text'

export type KeywordHit = { key: string; keyword: string; language: string }

type CompiledKeyword = {
  key: string
  keyword: string
  language: string
  /** Set for keywords in scripts without spaces: matched as a substring of the loose text. */
  substring?: string
  words: Word[]
}

export type KeywordIndex = {
  keywords: CompiledKeyword[]
  /** Keywords by the loose form of their first word. */
  byLoose: Map<string, number[]>
  /** Keywords by language and stem of their first word ("de\u0000ampel"). */
  byStem: Map<string, number[]>
  /** Keywords whose first word may be a prefix, by its first 5 letters. */
  byPrefix: Map<string, number[]>
  /** Keywords whose first word may occur inside a compound, by language. */
  infix: Map<string, number[]>
  substrings: number[]
  /** Concern keys that have at least one keyword. */
  keys: Set<string>
}

const PREFIX_MIN = 5
const INFIX_MIN = 4

function push(map: Map<string, number[]>, key: string, value: number) {
  const list = map.get(key)
  if (!list) map.set(key, [value])
  else if (list[list.length - 1] !== value) list.push(value)
}

/** Analyses every keyword of a taxonomy once; reuse the index for every comment. */
export function compileKeywords(taxonomy: readonly TaxonomyEntry[]): KeywordIndex {
  const index: KeywordIndex = {
    keywords: [],
    byLoose: new Map(),
    byStem: new Map(),
    byPrefix: new Map(),
    infix: new Map(),
    substrings: [],
    keys: new Set(),
  }
  const seen = new Set<string>()
  for (const entry of taxonomy) {
    for (const [tag, list] of Object.entries(entry.keywords ?? {})) {
      const language = primaryLanguage(tag)
      for (const keyword of list ?? []) {
        const text = keyword.trim()
        if (!text) continue
        const dedupe = `${entry.key}\u0000${language}\u0000${fold(text)}`
        if (seen.has(dedupe)) continue
        seen.add(dedupe)
        const i = index.keywords.length
        if (isUnspaced(text)) {
          index.keywords.push({ key: entry.key, keyword: text, language, substring: stripMarks(fold(text)), words: [] })
          index.substrings.push(i)
          index.keys.add(entry.key)
          continue
        }
        const words = analyze(text, language).words
        const first = words[0]
        if (!first) continue
        index.keywords.push({ key: entry.key, keyword: text, language, words })
        index.keys.add(entry.key)
        push(index.byLoose, first.loose, i)
        push(index.byStem, `${language}\u0000${first.stem}`, i)
        if (first.loose.length >= PREFIX_MIN) push(index.byPrefix, first.loose.slice(0, PREFIX_MIN), i)
        if (COMPOUNDING_LANGUAGES.has(language) && first.loose.length >= INFIX_MIN) push(index.infix, language, i)
      }
    }
  }
  return index
}

function wordMatches(text: Word, keyword: Word, sameLanguage: boolean, compounding: boolean): boolean {
  if (text.loose === keyword.loose) return true
  if (sameLanguage && text.stem === keyword.stem) return true
  if (keyword.loose.length >= PREFIX_MIN && text.loose.startsWith(keyword.loose)) return true
  return compounding && keyword.loose.length >= INFIX_MIN && text.loose.includes(keyword.loose)
}

function phraseAt(words: Word[], at: number, keyword: CompiledKeyword, language: string): boolean {
  const sameLanguage = keyword.language === language
  const compounding = sameLanguage && COMPOUNDING_LANGUAGES.has(language)
  if (at + keyword.words.length > words.length) return false
  for (let j = 0; j < keyword.words.length; j++) {
    if (!wordMatches(words[at + j]!, keyword.words[j]!, sameLanguage, compounding)) return false
  }
  return true
}

/**
 * The keywords found in an analysed comment, each once, in the order of the taxonomy's keywords.
 * Keywords of every language are looked for; stems are compared only within the comment's language.
 */
export function matchKeywords(index: KeywordIndex, analysis: Analysis): KeywordHit[] {
  const found = new Set<number>()
  const { words, language } = analysis
  const infix = COMPOUNDING_LANGUAGES.has(language) ? index.infix.get(language) : undefined
  for (let at = 0; at < words.length; at++) {
    const word = words[at]!
    const candidates = [
      index.byLoose.get(word.loose),
      index.byStem.get(`${language}\u0000${word.stem}`),
      word.loose.length >= PREFIX_MIN ? index.byPrefix.get(word.loose.slice(0, PREFIX_MIN)) : undefined,
      word.loose.length >= INFIX_MIN ? infix : undefined,
    ]
    for (const list of candidates) {
      if (!list) continue
      for (const i of list) {
        if (!found.has(i) && phraseAt(words, at, index.keywords[i]!, language)) found.add(i)
      }
    }
  }
  if (index.substrings.length > 0 && isUnspaced(analysis.loose)) {
    for (const i of index.substrings) {
      if (analysis.loose.includes(index.keywords[i]!.substring!)) found.add(i)
    }
  }
  // The same keyword listed under several languages ("incident" in English and French) counts once.
  const hits: KeywordHit[] = []
  const distinct = new Set<string>()
  for (const i of [...found].sort((a, b) => a - b)) {
    const { key, keyword, language: lang } = index.keywords[i]!
    const id = `${key}\u0000${stripMarks(fold(keyword))}`
    if (distinct.has(id)) continue
    distinct.add(id)
    hits.push({ key, keyword, language: lang })
  }
  return hits
}

/** Keyword hits for a text in a language (BCP 47 tag or null). */
export function findKeywords(index: KeywordIndex, text: string, language: string | null | undefined): KeywordHit[] {
  return matchKeywords(index, analyze(text, language))
}

/** Number of distinct keywords found per concern. */
export function countHits(hits: readonly KeywordHit[]): Map<string, number> {
  const counts = new Map<string, number>()
  for (const hit of hits) counts.set(hit.key, (counts.get(hit.key) ?? 0) + 1)
  return counts
}
