/**
 * Near-duplicate detection that works in every script. The text is normalised (NFKC, case folded,
 * invisible characters, punctuation and spaces removed) and cut into overlapping character n-grams;
 * a MinHash signature (Broder 1997) of 32 values estimates the Jaccard similarity of two texts'
 * n-gram sets, and locality-sensitive hashing over 8 bands of 4 values finds the candidates
 * (texts above about 0.6 similarity share a band with high probability) through an index lookup.
 */
import crypto from 'node:crypto'

const INVISIBLE = /[\u00AD\u061C\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u206F\uFEFF]/gu
const NOT_LETTER_OR_DIGIT = /[^\p{L}\p{N}]+/gu

export function normalizeForDuplicates(text: string) {
  return text.normalize('NFKC').toLocaleLowerCase('und').replace(INVISIBLE, '').replace(NOT_LETTER_OR_DIGIT, '')
}

export function textHash(normalized: string) {
  return crypto.createHash('sha256').update(normalized).digest('hex')
}

export const SIGNATURE_SIZE = 32
export const BANDS = 8
const ROWS = SIGNATURE_SIZE / BANDS
/** Estimated Jaccard similarity from which two comments count as near-duplicates. */
export const NEAR_SIMILARITY = 0.6

/**
 * Shingle length and the shortest text worth a signature (shorter ones are matched exactly only).
 * A Han, kana or Hangul character carries about what a short word does elsewhere, so those texts
 * use character bigrams.
 */
const LOGOGRAPHIC = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u
function shingling(chars: string[]) {
  const logographic = chars.filter((char) => LOGOGRAPHIC.test(char)).length * 2 > chars.length
  return logographic ? { size: 2, minLength: 12 } : { size: 4, minLength: 30 }
}

/** FNV-1a over the UTF-16 units: the shingle's base hash. */
function fnv1a(value: string) {
  let h = 0x811c9dc5
  for (let i = 0; i < value.length; i++) h = Math.imul(h ^ value.charCodeAt(i), 0x01000193)
  return h >>> 0
}

/** MurmurHash3's 32-bit finaliser of the base hash mixed with a seed: one of the 32 hash functions. */
function mix(base: number, seed: number) {
  let h = (base ^ seed) >>> 0
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b)
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35)
  return (h ^ (h >>> 16)) >>> 0
}

const SEEDS = Array.from({ length: SIGNATURE_SIZE }, (_, i) => mix(0x9e3779b9, i + 1))

/** The MinHash signature of a normalised text as 32 × 8 hex digits; null when the text is too short. */
export function minhash(normalized: string): string | null {
  const chars = Array.from(normalized)
  const { size, minLength } = shingling(chars)
  if (chars.length < minLength) return null
  const mins = new Uint32Array(SIGNATURE_SIZE).fill(0xffffffff)
  const seen = new Set<number>()
  for (let i = 0; i + size <= chars.length; i++) {
    const base = fnv1a(chars.slice(i, i + size).join(''))
    if (seen.has(base)) continue
    seen.add(base)
    for (let k = 0; k < SIGNATURE_SIZE; k++) {
      const value = mix(base, SEEDS[k]!)
      if (value < mins[k]!) mins[k] = value
    }
  }
  return Array.from(mins, (value) => value.toString(16).padStart(8, '0')).join('')
}

/** The LSH band keys of a signature: band i is the hash of its 4 minima. */
export function bands(signature: string) {
  return Array.from({ length: BANDS }, (_, band) =>
    fnv1a(signature.slice(band * ROWS * 8, (band + 1) * ROWS * 8))
      .toString(16)
      .padStart(8, '0'),
  )
}

/** The share of equal minima: an unbiased estimate of the Jaccard similarity of the two texts. */
export function similarity(a: string, b: string) {
  let equal = 0
  for (let k = 0; k < SIGNATURE_SIZE; k++) if (a.slice(k * 8, k * 8 + 8) === b.slice(k * 8, k * 8 + 8)) equal++
  return equal / SIGNATURE_SIZE
}
