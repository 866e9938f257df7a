/**
 * How the near-duplicate check picks its candidates, measured on a benchmark round: for new texts
 * from the benchmark's generator (another seed than the round's), how many find a near duplicate
 * and how long the candidates' query takes, with the rule Concord uses (findDuplicate's: the oldest
 * CANDIDATES_PER_BAND comments of each band) and with the rule before it (the 200 oldest of all
 * the bands' 200 oldest), and with other numbers per band.
 *
 *   node --import tsx bench/candidates.ts [--size 1000000] [--texts 3000] [--seed 777]
 *
 * Reads bench/out/round-SIZE.db (built by `npm run bench`), read-only.
 */
import fs from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import { bands, bestNear, CANDIDATES_PER_BAND, minhash, nearCandidatesQuery, normalizeForDuplicates } from '~/modules/moderation/duplicates'
import { projectRoot as root } from '~/utils/paths.server'
import type { RoundInfo } from './build-db'
import { loadSentences } from './corpus'
import { generate } from './generate'

function option(name: string, fallback: number) {
  const index = process.argv.indexOf(`--${name}`)
  return index > 0 ? Number(process.argv[index + 1]) : fallback
}
const size = option('size', 1_000_000)
const file = path.join(root, 'bench', 'out', `round-${size}.db`)
if (!fs.existsSync(file)) throw new Error(`${file} is missing: run npm run bench first`)
const info = JSON.parse(fs.readFileSync(path.join(root, 'bench', 'out', `info-${size}.json`), 'utf8')) as RoundInfo
const db = new Database(file, { readonly: true })
db.pragma('cache_size = -32000')

const rules: [string, string][] = [
  ['the 200 oldest of all (before)', nearCandidatesQuery(200, 200)],
  [`the ${CANDIDATES_PER_BAND} oldest of each band (Concord's)`, nearCandidatesQuery(CANDIDATES_PER_BAND)],
  ['the 16 oldest of each band', nearCandidatesQuery(16)],
  ['the 50 oldest of each band', nearCandidatesQuery(50)],
]

const signatures: string[] = []
for (const { row } of generate(option('texts', 3000), info.clauseIds.map(String), loadSentences(root), option('seed', 777))) {
  const signature = minhash(normalizeForDuplicates(row.text))
  if (signature) signatures.push(signature)
}
// Twice: the first pass warms the caches.
for (const pass of [1, 2]) {
  for (const [name, sql] of rules) {
    const query = db.prepare(sql)
    let found = 0
    let candidates = 0
    const started = process.hrtime.bigint()
    for (const signature of signatures) {
      const rows = query.all(...bands(signature).flatMap((value, band) => [info.roundId, band, value]), 0) as { id: number; groupId: number | null; minhash: string }[]
      candidates += rows.length
      if (bestNear(signature, rows)) found++
    }
    const ms = Number(process.hrtime.bigint() - started) / 1e6 / signatures.length
    if (pass === 2) console.log(`${name.padEnd(44)} ${String(found).padStart(6)} of ${signatures.length} found, ${(candidates / signatures.length).toFixed(0).padStart(4)} candidates, ${ms.toFixed(2)} ms`)
  }
}
