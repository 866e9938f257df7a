import { parentPort } from 'node:worker_threads'
import { deserialize, type ConcernModel } from '~/modules/concerns/model'
import { analyseComment } from './analysis'
import type { AnalysisReply, AnalysisRequest } from './analysis-pool.server'

let model: ConcernModel | null = null
parentPort!.on('message', (request: AnalysisRequest) => {
  if ('model' in request) {
    model = deserialize(request.model)
    return
  }
  try {
    if (!model) throw new Error('the model was not sent before the comments')
    const current = model
    const results = request.inputs.map((input) => analyseComment(input, current))
    parentPort!.postMessage({ batch: request.batch, results } satisfies AnalysisReply)
  } catch (error) {
    parentPort!.postMessage({ batch: request.batch, error: String(error) } satisfies AnalysisReply)
  }
})
parentPort!.postMessage({ ready: true } satisfies AnalysisReply)
