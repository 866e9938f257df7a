import os from 'node:os'
import path from 'node:path'
import { Worker } from 'node:worker_threads'
import { serialize, type ConcernModel } from '~/modules/concerns/model'
import { projectRoot } from '~/utils/paths.server'
import { analyseComment, type Analysed, type AnalysisInput } from './analysis'

export type AnalysisRequest = { model: string } | { batch: number; inputs: AnalysisInput[] }
export type AnalysisReply = { ready: true } | { batch: number; results: Analysed[] } | { batch: number; error: string }

/** Comments a worker is handed at a time: small enough for progress to move, large enough to keep messages few. */
const ANALYSIS_BATCH = 250

const SLICE_MS = 40
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve))

/** How many worker threads analyse: one per core but the one this thread works on, at most four. */
export function analysisThreads() {
  return Math.max(1, Math.min(4, os.availableParallelism() - 1))
}

/**
 * Analyses comments in worker threads (analysis.worker.js), each with its own copy of the round's
 * suggestion model: the work of an import spread over the machine's cores. A thread takes a few
 * seconds to start (it loads the sources through tsx), so this thread analyses batches too, in
 * slices of about SLICE_MS that give its event loop back, until the batches run out. Results come
 * back in the inputs' order. The threads are stopped at the end, whatever happens; a thread's
 * failure fails the analysis (the import then stores nothing).
 */
export async function analyseInThreads(
  inputs: AnalysisInput[],
  model: ConcernModel,
  onProgress: (done: number) => void,
  options: { threads?: number; /** Whether this thread takes batches too (tests turn it off). */ here?: boolean } = {},
): Promise<Analysed[]> {
  const threads = options.threads ?? analysisThreads()
  const results = new Array<Analysed>(inputs.length)
  const batches = Math.ceil(inputs.length / ANALYSIS_BATCH)
  if (!batches) return results
  const state = serialize(model)
  const script = path.join(projectRoot, 'app', 'modules', 'comments', 'analysis.worker.js')
  const workers = Array.from({ length: Math.min(threads, batches) }, () => new Worker(script))
  try {
    await new Promise<void>((resolve, reject) => {
      let next = 0
      let finished = 0
      let done = 0
      const send = (worker: Worker) => {
        if (next >= batches) return
        const batch = next++
        worker.postMessage({ batch, inputs: inputs.slice(batch * ANALYSIS_BATCH, (batch + 1) * ANALYSIS_BATCH) } satisfies AnalysisRequest)
      }
      const finish = (batch: number, batchResults: Analysed[]) => {
        batchResults.forEach((result, i) => (results[batch * ANALYSIS_BATCH + i] = result))
        done += batchResults.length
        onProgress(done)
        if (++finished === batches) resolve()
      }
      // This thread's share: the next batch whenever it is free, until none is left.
      const here = async () => {
        let sliceStart = performance.now()
        while (next < batches) {
          const batch = next++
          const batchResults: Analysed[] = []
          for (const input of inputs.slice(batch * ANALYSIS_BATCH, (batch + 1) * ANALYSIS_BATCH)) {
            batchResults.push(analyseComment(input, model))
            if (performance.now() - sliceStart > SLICE_MS) {
              await yieldToEventLoop()
              sliceStart = performance.now()
            }
          }
          finish(batch, batchResults)
        }
      }
      if (options.here ?? true) here().catch(reject)
      for (const worker of workers) {
        worker.on('message', (message: AnalysisReply) => {
          if ('ready' in message) {
            worker.postMessage({ model: state } satisfies AnalysisRequest)
            // Two batches in flight per thread, so none waits for its next one.
            send(worker)
            send(worker)
            return
          }
          if ('error' in message) return reject(new Error(message.error))
          finish(message.batch, message.results)
          send(worker)
        })
        worker.once('error', reject)
        worker.once('exit', (code) => reject(new Error(`an analysis thread stopped with code ${code}`)))
      }
    })
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()))
  }
  return results
}
