/**
 * The MinHash signature of app/modules/moderation/duplicates.ts, computed without building an array
 * of characters and a string per shingle, so that a million comments are fingerprinted in seconds.
 * `checkSignatures` compares it with the application's own function on a sample before every use:
 * the benchmark database must hold exactly what the application would have stored.
 */
import { minhash, mix, normalizeForDuplicates, SEEDS, SIGNATURE_SIZE } from '~/modules/moderation/duplicates'

const LOGOGRAPHIC = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/gu

let starts = new Uint32Array(4096)
const mins = new Uint32Array(SIGNATURE_SIZE)
const seen = new Set<number>()

export function fastMinhash(normalized: string): string | null {
  // Where each code point starts (a surrogate pair is one character, as Array.from counts).
  if (starts.length < normalized.length + 1) starts = new Uint32Array(normalized.length * 2 + 1)
  let count = 0
  for (let i = 0; i < normalized.length; i++) {
    starts[count++] = i
    const code = normalized.charCodeAt(i)
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < normalized.length) {
      const next = normalized.charCodeAt(i + 1)
      if (next >= 0xdc00 && next <= 0xdfff) i++
    }
  }
  starts[count] = normalized.length
  const logographic = (normalized.match(LOGOGRAPHIC)?.length ?? 0) * 2 > count
  const size = logographic ? 2 : 4
  if (count < (logographic ? 12 : 30)) return null
  mins.fill(0xffffffff)
  seen.clear()
  for (let i = 0; i + size <= count; i++) {
    let base = 0x811c9dc5
    for (let j = starts[i]!, end = starts[i + size]!; j < end; j++) base = Math.imul(base ^ normalized.charCodeAt(j), 0x01000193)
    base >>>= 0
    if (seen.has(base)) continue
    seen.add(base)
    for (let k = 0; k < SIGNATURE_SIZE; k++) {
      const value = mix(base, SEEDS[k]!)
      if (value < mins[k]!) mins[k] = value
    }
  }
  let signature = ''
  for (let k = 0; k < SIGNATURE_SIZE; k++) signature += mins[k]!.toString(16).padStart(8, '0')
  return signature
}

/** Throws unless fastMinhash gives the application's signature for every one of the texts. */
export function checkSignatures(texts: Iterable<string>) {
  for (const text of texts) {
    const normalized = normalizeForDuplicates(text)
    const expected = minhash(normalized)
    if (fastMinhash(normalized) !== expected) throw new Error(`bench fingerprint differs from the application's for: ${text.slice(0, 80)}`)
  }
}
