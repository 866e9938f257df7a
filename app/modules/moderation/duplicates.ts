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
  return crypto.hash('sha256', normalized, 'hex')
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
const LOGOGRAPHIC = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/gu
function shingling(normalized: string, length: number) {
  const logographic = (normalized.match(LOGOGRAPHIC)?.length ?? 0) * 2 > length
  return logographic ? { size: 2, minLength: 12 } : { size: 4, minLength: 30 }
}

/** MurmurHash3's 32-bit finaliser of the base hash mixed with a seed: one of the 32 hash functions. */
export function mix(base: number, seed: number) {
  let h = (base ^ seed) >>> 0
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b)
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35)
  return (h ^ (h >>> 16)) >>> 0
}

export const SEEDS = Array.from({ length: SIGNATURE_SIZE }, (_, i) => mix(0x9e3779b9, i + 1))
const SEED_ARRAY = Int32Array.from(SEEDS)

/**
 * The MinHash signature of a normalised text as 32 × 8 hex digits; null when the text is too short.
 * A shingle is `size` consecutive code points; its base hash is FNV-1a over its UTF-16 units, read
 * in place; each shingle then updates the 32 minima (a repeated shingle changes none, and looking
 * repeats up in a set cost more than hashing them again).
 */
export function minhash(normalized: string): string | null {
  // Where each code point starts, and one past the end.
  const offsets = new Int32Array(normalized.length + 1)
  let length = 0
  for (let i = 0; i < normalized.length; i++) {
    const unit = normalized.charCodeAt(i)
    offsets[length++] = i
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < normalized.length) {
      const next = normalized.charCodeAt(i + 1)
      if (next >= 0xdc00 && next <= 0xdfff) i++
    }
  }
  offsets[length] = normalized.length
  const { size, minLength } = shingling(normalized, length)
  if (length < minLength) return null
  const mins = new Uint32Array(SIGNATURE_SIZE).fill(0xffffffff)
  for (let i = 0; i + size <= length; i++) {
    let h = 0x811c9dc5
    for (let u = offsets[i]!, end = offsets[i + size]!; u < end; u++) h = Math.imul(h ^ normalized.charCodeAt(u), 0x01000193)
    const base = h >>> 0
    for (let k = 0; k < SIGNATURE_SIZE; k++) {
      let x = base ^ SEED_ARRAY[k]!
      x = Math.imul(x ^ (x >>> 16), 0x85ebca6b)
      x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35)
      const value = (x ^ (x >>> 16)) >>> 0
      if (value < mins[k]!) mins[k] = value
    }
  }
  let signature = ''
  for (let k = 0; k < SIGNATURE_SIZE; k++) signature += mins[k]!.toString(16).padStart(8, '0')
  return signature
}

/** The LSH band keys of a signature: band i is the FNV-1a hash of the UTF-16 units of its 4 minima (in hex), read in place. */
export function bands(signature: string) {
  const keys: string[] = []
  for (let band = 0; band < BANDS; band++) {
    let h = 0x811c9dc5
    for (let i = band * ROWS * 8, end = (band + 1) * ROWS * 8; i < end; i++) h = Math.imul(h ^ signature.charCodeAt(i), 0x01000193)
    keys.push((h >>> 0).toString(16).padStart(8, '0'))
  }
  return keys
}

/** The share of equal minima: an unbiased estimate of the Jaccard similarity of the two texts. */
export function similarity(a: string, b: string) {
  let equal = 0
  for (let k = 0; k < SIGNATURE_SIZE * 8; k += 8) {
    let same = true
    for (let i = k; i < k + 8; i++) {
      if (a.charCodeAt(i) !== b.charCodeAt(i)) {
        same = false
        break
      }
    }
    if (same) equal++
  }
  return equal / SIGNATURE_SIZE
}

/**
 * How many comments of each band a new one is compared with: the oldest that share the band's value,
 * so at most BANDS × CANDIDATES_PER_BAND (256) in all. A few from every band rather than the oldest
 * of them all keeps one crowded band (a large campaign's, or a stock phrase's) from hiding a near
 * duplicate that shares another. For 2,995 new texts (`node --import tsx bench/candidates.ts`), the
 * 200 oldest of all found a near duplicate for 2,427 in the benchmark's round of 1,000,000 comments,
 * in 1.2 ms each, the 32 oldest of each band for 2,462 in 0.8 ms; at 100,000, 1,830 and 1,826, in
 * 0.5 and 0.4 ms; at 10,000, 797 both.
 */
export const CANDIDATES_PER_BAND = 32

/**
 * The submitted comments of the round that share an LSH band with a signature, oldest first: the
 * oldest `perBand` of each band, one index lookup per band (a plain OR of the bands makes SQLite
 * scan the round's sketches, and a campaign's band lists grow with its size), and of those the
 * oldest `total` when it is given (bench/candidates.ts measures other rules with it). Its
 * parameters: for each band in turn the round, the band and its value; then the id of the comment
 * itself (0: none).
 */
export function nearCandidatesQuery(perBand: number, total?: number) {
  return `
  select c.id as id, c.duplicate_group_id as groupId, c.minhash as minhash from comments c
  where c.id in (${Array.from(
    { length: BANDS },
    () =>
      `select * from (select comment_id from comment_sketches where round_id = ? and band = ? and value = ? order by comment_id limit ${perBand})`,
  ).join(' union ')})
    and c.id != ? and c.status = 'submitted'
  order by c.id${total ? ` limit ${total}` : ''}`
}

export type Candidate = { id: number; groupId: number | null; minhash: string | null }

/**
 * The near-duplicate of a comment among candidates given oldest first: the most similar at
 * NEAR_SIMILARITY or more, the oldest of those on a tie; null when none is similar enough.
 */
export function bestNear<T extends Candidate>(signature: string, candidates: Iterable<T>): T | null {
  let best: T | null = null
  let bestScore = NEAR_SIMILARITY
  for (const candidate of candidates) {
    if (!candidate.minhash) continue
    const score = similarity(signature, candidate.minhash)
    if (score > bestScore || (best === null && score >= NEAR_SIMILARITY)) {
      best = candidate
      bestScore = score
    }
  }
  return best
}
