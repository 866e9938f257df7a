/**
 * The load generator, a process of its own: autocannon with the given connections and duration
 * against one scenario, printing one JSON line of results (every response's latency is kept, so
 * p50, p95 and p99 are exact). Started by bench/run.ts:
 *
 *   node --import tsx bench/load.ts SPEC.json
 *
 * A scenario is a list of requests taken in turn (GETs, or POSTs of a small form), or submissions:
 * signed-in POSTs of the comment form, each with a text and an idempotency key of its own; the keys
 * answered with a redirect are printed so the runner can check that every one of those comments is
 * in the database. Each generator also reports the processor time it used while the load was on.
 */
import fs from 'node:fs'
import autocannon from 'autocannon'
import { projectRoot } from '~/utils/paths.server'
import { loadSentences } from './corpus'
import { generate } from './generate'
import { percentile } from './percentile'

export type LoadSpec = {
  url: string
  connections: number
  duration: number
  /** Requests taken in turn: GETs, or POSTs of `form` (URL-encoded) when it is given. */
  requests?: { path: string; headers?: Record<string, string>; form?: Record<string, string> }[]
  submit?: {
    path: string
    tag: string
    participants: { userId: string; cookie: string }[]
    clauseIds: number[]
  }
  /**
   * One of several load processes run side by side on one scenario (bench/run.ts): its number, which
   * keeps its texts and idempotency keys apart from the others', and a file for its latencies, which
   * the runner merges for exact percentiles over all of them.
   */
  part?: { index: number; latencies: string }
}

export type LoadResult = {
  requests: number
  seconds: number
  rps: number
  p50: number
  p95: number
  p99: number
  max: number
  statuses: Record<string, number>
  /** Connection errors and timeouts, and answers other than 2xx and 3xx. */
  errors: number
  bytesPerResponse: number
  /** Processor time this load generator used while the load was on (user and system), in ms. */
  cpuMs: number
  accepted?: { userId: string; key: string }[]
}

const spec = JSON.parse(fs.readFileSync(process.argv[2]!, 'utf8')) as LoadSpec
let latencies = new Float64Array(1 << 16)
let count = 0
const statuses: Record<string, number> = {}
let bytes = 0

type Context = { participant?: number; key?: string }
const accepted: { userId: string; key: string }[] = []
let requests: autocannon.Request[]
if (spec.submit) {
  const submit = spec.submit
  // Texts of the benchmark's generator with another seed: a million of them would all differ.
  const clauseLabels = submit.clauseIds.map(String)
  const texts = generate(1_000_000, clauseLabels, loadSentences(projectRoot), 7 + (spec.part?.index ?? 0) * 1_000)
  let next = 0
  requests = [
    {
      method: 'POST',
      path: submit.path,
      setupRequest: (request, context: Context) => {
        context.participant ??= next % submit.participants.length
        const participant = submit.participants[context.participant]!
        const { row } = texts.next().value!
        const key = `${submit.tag}${spec.part ? `p${spec.part.index}` : ''}x${next++}`
        context.key = key
        const form = new URLSearchParams({
          intent: 'submit',
          clause: row.clause || 'whole',
          position: row.position,
          text: row.text,
          consent: next % 3 ? 'named' : 'anonymous',
          idempotencyKey: key,
        })
        if (row.proposed_text) form.set('proposedText', row.proposed_text)
        if (row.language) form.set('language', row.language)
        return {
          ...request,
          headers: { ...request.headers, 'content-type': 'application/x-www-form-urlencoded', cookie: participant.cookie },
          body: form.toString(),
        }
      },
      onResponse: (status, _body, context: Context) => {
        if (status >= 200 && status < 400 && context.key) {
          accepted.push({ userId: submit.participants[context.participant!]!.userId, key: context.key })
        }
      },
    },
  ]
} else {
  requests = spec.requests!.map((request) =>
    request.form
      ? {
          method: 'POST',
          path: request.path,
          headers: { ...request.headers, 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams(request.form).toString(),
        }
      : { method: 'GET', path: request.path, headers: request.headers ?? {} },
  )
}

const cpuBefore = process.cpuUsage()
const instance = autocannon({ url: spec.url, connections: spec.connections, duration: spec.duration, requests, timeout: 20 })
instance.on('response', (_client, statusCode, resBytes, responseTime) => {
  if (count === latencies.length) {
    const grown = new Float64Array(latencies.length * 2)
    grown.set(latencies)
    latencies = grown
  }
  latencies[count++] = responseTime
  statuses[statusCode] = (statuses[statusCode] ?? 0) + 1
  bytes += resBytes
})
const result = await instance
const cpu = process.cpuUsage(cpuBefore)
const sorted = latencies.slice(0, count).sort()
if (spec.part) fs.writeFileSync(spec.part.latencies, Buffer.from(sorted.buffer, sorted.byteOffset, sorted.byteLength))
const bad = Object.entries(statuses).reduce((sum, [status, n]) => sum + (Number(status) >= 400 ? n : 0), 0)
const output: LoadResult = {
  requests: count,
  seconds: result.duration,
  rps: count / result.duration,
  p50: percentile(sorted, 50),
  p95: percentile(sorted, 95),
  p99: percentile(sorted, 99),
  max: sorted[sorted.length - 1] ?? 0,
  statuses,
  errors: result.errors + bad,
  bytesPerResponse: count ? bytes / count : 0,
  cpuMs: (cpu.user + cpu.system) / 1000,
  ...(spec.submit ? { accepted } : {}),
}
process.stdout.write(JSON.stringify(output) + '\n')
