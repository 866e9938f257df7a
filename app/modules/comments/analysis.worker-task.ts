import { parentPort, workerData } from 'node:worker_threads'
import { deserialize, type ConcernModel } from '~/modules/concerns/model'
import { analyseComment } from './analysis'
import type { AnalysisReply, AnalysisRequest, AnalysisWorkerData } from './analysis-pool.server'

const { replies, answered } = workerData as AnalysisWorkerData
const counter = new Int32Array(answered)

/** Answers on the pool's port, then raises the shared counter for a reader waiting without its event loop. */
function reply(message: AnalysisReply) {
  replies.postMessage(message)
  Atomics.add(counter, 0, 1)
  Atomics.notify(counter, 0)
}

let model: ConcernModel | null = null
parentPort!.on('message', (request: AnalysisRequest) => {
  if ('model' in request) {
    model = deserialize(request.model)
    return
  }
  try {
    if (!model) throw new Error('the model was not sent before the comments')
    const current = model
    reply({ batch: request.batch, results: request.inputs.map((input) => analyseComment(input, current)) })
  } catch (error) {
    reply({ batch: request.batch, error: String(error) })
  }
})
