/**
 * `npm run eval:concerns`: runs the evaluation in eval.ts on the German cycling-dialogues corpus,
 * prints the table and the timings, and writes the figures to eval-results.json beside this file.
 *
 * Options: --seed N (default 42). The corpus folder is ../shared/corpus, or CONCORD_CORPUS_DIR.
 */
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { DEFAULT_SEED, cyclingTaxonomy, evaluate, formatTable, loadCyclingCorpus, prepare } from './eval'
import { createModel, learn, suggest, suggestFor, unlearn } from './model'
import { tokenize } from './text'

const here = path.dirname(fileURLToPath(import.meta.url))
const seedArg = process.argv.indexOf('--seed')
const seed = seedArg > 0 ? Number(process.argv[seedArg + 1]) : DEFAULT_SEED
if (!Number.isInteger(seed)) throw new Error('--seed takes an integer')

const corpus = loadCyclingCorpus()
const started = performance.now()
const result = evaluate(corpus, { seed })
const seconds = (performance.now() - started) / 1000

console.log(`Concern suggestions on ${result.corpus}: ${result.rows} comments, ${result.labels.length} concerns, seed ${seed}`)
console.log('Micro and macro F1 on the rows not labelled; thresholds tuned by 5-fold CV inside the labelled share.\n')
console.log(formatTable(result))
console.log('\nThresholds (keywords / model / blended):')
for (const s of result.shares) {
  const { keywords, model, blended } = s.methods
  console.log(`  ${Math.round(s.share * 100)} %: ${keywords.threshold} / ${model.threshold} / ${blended.threshold}`)
}
console.log(`\nEvaluation took ${seconds.toFixed(1)} s.`)

// Timings: a model that learned half the corpus; each figure is the median of 5 passes over every comment.
const taxonomy = cyclingTaxonomy(corpus.labels, true)
const prepared = prepare(corpus.rows, corpus.labels)
const model = createModel(taxonomy)
const half = Math.floor(prepared.length / 2)
for (const p of prepared.slice(0, half)) learn(model, p.tokens, p.keys)

function medianMs(pass: () => void, count: number): number {
  const times: number[] = []
  for (let i = 0; i < 5; i++) {
    const t = performance.now()
    pass()
    times.push((performance.now() - t) / count)
  }
  return times.sort((a, b) => a - b)[2]!
}

const learnMs = medianMs(() => {
  // Learn and forget each comment again: the model ends as it started.
  for (const p of prepared) learn(model, p.tokens, p.keys)
  for (const p of prepared) unlearn(model, p.tokens, p.keys)
}, 2 * prepared.length)
const suggestMs = medianMs(() => prepared.forEach((p) => suggest(model, p.tokens, p.hits)), prepared.length)
const tokenizeMs = medianMs(() => corpus.rows.forEach((row) => tokenize(row.text, 'de')), corpus.rows.length)
const suggestForMs = medianMs(() => corpus.rows.forEach((row) => suggestFor(row.text, 'de', model)), corpus.rows.length)
const json = JSON.stringify(model)
const meanChars = corpus.rows.reduce((sum, row) => sum + row.text.length, 0) / corpus.rows.length
console.log(
  `Timings per comment (median of 5 passes over ${corpus.rows.length} comments of ${Math.round(meanChars)} characters on average, ` +
    `model of ${half} confirmed comments): learn or unlearn ${learnMs.toFixed(3)} ms, suggest from tokens ${suggestMs.toFixed(3)} ms, ` +
    `tokenize ${tokenizeMs.toFixed(3)} ms, suggestFor from text ${suggestForMs.toFixed(3)} ms; ` +
    `serialised model ${(json.length / 1024).toFixed(0)} KiB.`,
)

const out = path.join(here, 'eval-results.json')
fs.writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`)
console.log(`Figures written to ${path.relative(process.cwd(), out)}`)
