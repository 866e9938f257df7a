import os from 'node:os'
import path from 'node:path'
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads'
import { serialize, type ConcernModel } from '~/modules/concerns/model'
import { projectRoot } from '~/utils/paths.server'
import { analyseComment, type Analysed, type AnalysisInput } from './analysis'

export type AnalysisRequest = { model: string } | { batch: number; inputs: AnalysisInput[] }
export type AnalysisReply = { batch: number; results: Analysed[] } | { batch: number; error: string }
/** What a thread is started with: the port it answers on, and a counter it raises after each answer. */
export type AnalysisWorkerData = { replies: MessagePort; answered: SharedArrayBuffer }

/** Comments a worker is handed at a time: small enough for progress to move, large enough to keep messages few. */
const ANALYSIS_BATCH = 250

const SLICE_MS = 40
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve))

/** How many worker threads analyse beside a thread that analyses too: one per core but that one, at most four. */
export function analysisThreads() {
  return Math.max(1, Math.min(4, os.availableParallelism() - 1))
}

/** How many worker threads analyse while the starting thread stores what they give: one per core, at most four. */
export function streamingThreads() {
  return Math.max(1, Math.min(4, os.availableParallelism()))
}

/** How long a waiting reader lets the threads go without an answer before it gives up. */
const SILENCE_MS = 60_000

type Thread = { worker: Worker; replies: MessagePort }

/**
 * Worker threads (analysis.worker.js) that analyse comments, each with its own copy of the round's
 * suggestion model. Started early, they load their sources (a few seconds: through tsx) while the
 * starting thread reads and checks the file. Each thread answers on a port of its own and raises a
 * shared counter after each answer, so that a thread inside a transaction can wait for results
 * without its event loop (stream). A pool is used for one analysis and then closed.
 */
export class AnalysisThreads {
  private readonly threads: Thread[]
  private readonly answered = new Int32Array(new SharedArrayBuffer(4))
  private used = false

  constructor(count: number) {
    const script = path.join(projectRoot, 'app', 'modules', 'comments', 'analysis.worker.js')
    this.threads = Array.from({ length: count }, () => {
      const channel = new MessageChannel()
      const workerData: AnalysisWorkerData = { replies: channel.port2, answered: this.answered.buffer as SharedArrayBuffer }
      const worker = new Worker(script, { workerData, transferList: [channel.port2] })
      return { worker, replies: channel.port1 }
    })
  }

  get size() {
    return this.threads.length
  }

  private begin(inputs: AnalysisInput[], model: ConcernModel) {
    if (this.used) throw new Error('an analysis pool analyses one set of comments')
    this.used = true
    const state = serialize(model)
    for (const { worker } of this.threads) worker.postMessage({ model: state } satisfies AnalysisRequest)
    const batches = Math.ceil(inputs.length / ANALYSIS_BATCH)
    let next = 0
    const inputsOf = (batch: number) => inputs.slice(batch * ANALYSIS_BATCH, (batch + 1) * ANALYSIS_BATCH)
    /** The next batch not handed out yet, if any is left. */
    const take = () => (next < batches ? next++ : null)
    /** Hands a thread the next batch, if any is left. */
    const send = (thread: Thread) => {
      const batch = take()
      if (batch !== null) thread.worker.postMessage({ batch, inputs: inputsOf(batch) } satisfies AnalysisRequest)
    }
    return { batches, send, take, inputsOf }
  }

  /**
   * Analyses the inputs, results in the inputs' order. Unless `here` is false, this thread takes
   * batches too, in slices of about SLICE_MS that give its event loop back, until none is left.
   * A thread's failure fails the analysis.
   */
  async analyse(
    inputs: AnalysisInput[],
    model: ConcernModel,
    onProgress: (done: number) => void,
    options: { /** Whether this thread takes batches too (tests turn it off). */ here?: boolean } = {},
  ): Promise<Analysed[]> {
    const results = new Array<Analysed>(inputs.length)
    const { batches, send, take, inputsOf } = this.begin(inputs, model)
    if (!batches) return results
    await new Promise<void>((resolve, reject) => {
      let finished = 0
      let done = 0
      const finish = (batch: number, batchResults: Analysed[]) => {
        batchResults.forEach((result, i) => (results[batch * ANALYSIS_BATCH + i] = result))
        done += batchResults.length
        onProgress(done)
        if (++finished === batches) resolve()
      }
      // This thread's share: the next batch whenever it is free, until none is left.
      const here = async () => {
        let sliceStart = performance.now()
        for (let batch = take(); batch !== null; batch = take()) {
          const batchResults: Analysed[] = []
          for (const input of inputsOf(batch)) {
            batchResults.push(analyseComment(input, model))
            if (performance.now() - sliceStart > SLICE_MS) {
              await yieldToEventLoop()
              sliceStart = performance.now()
            }
          }
          finish(batch, batchResults)
        }
      }
      for (const thread of this.threads) {
        thread.replies.on('message', (reply: AnalysisReply) => {
          if ('error' in reply) return reject(new Error(reply.error))
          finish(reply.batch, reply.results)
          send(thread)
        })
        thread.worker.once('error', reject)
        thread.worker.once('exit', (code) => reject(new Error(`an analysis thread stopped with code ${code}`)))
        // Two batches in flight per thread, so none waits for its next one.
        send(thread)
        send(thread)
      }
      if (options.here ?? true) here().catch(reject)
    })
    return results
  }

  /**
   * Starts analysing the inputs in the threads alone and returns a reader whose `at(i)` gives the
   * result of input i, waiting for it without the event loop (Atomics.wait on the threads' counter,
   * receiveMessageOnPort for their answers). So a synchronous transaction can store each result as
   * it comes while the threads analyse the next ones. Inputs are handed out in order, two batches
   * in flight per thread; a thread's failure, or a minute without any answer, throws.
   */
  stream(inputs: AnalysisInput[], model: ConcernModel, onProgress: (done: number) => void = () => {}) {
    const results = new Array<Analysed | undefined>(inputs.length)
    const { send } = this.begin(inputs, model)
    let done = 0
    for (const thread of this.threads) {
      send(thread)
      send(thread)
    }
    /** Takes every answer waiting on the threads' ports; whether there was any. */
    const drain = () => {
      let any = false
      for (const thread of this.threads) {
        for (let message = receiveMessageOnPort(thread.replies); message; message = receiveMessageOnPort(thread.replies)) {
          const reply = message.message as AnalysisReply
          if ('error' in reply) throw new Error(reply.error)
          reply.results.forEach((result, i) => (results[reply.batch * ANALYSIS_BATCH + i] = result))
          done += reply.results.length
          any = true
          send(thread)
        }
      }
      if (any) onProgress(done)
      return any
    }
    return {
      at: (index: number): Analysed => {
        let silentSince = performance.now()
        while (results[index] === undefined) {
          const seen = Atomics.load(this.answered, 0)
          if (drain()) {
            silentSince = performance.now()
            continue
          }
          if (performance.now() - silentSince > SILENCE_MS) throw new Error('the analysis threads stopped answering')
          // Sleeps until a thread raises the counter past what was seen (or a second goes by).
          Atomics.wait(this.answered, 0, seen, 1000)
        }
        return results[index]!
      },
    }
  }

  /** Stops the threads, whatever they are doing. */
  async close() {
    for (const { replies } of this.threads) replies.close()
    await Promise.all(this.threads.map(({ worker }) => worker.terminate()))
  }
}
