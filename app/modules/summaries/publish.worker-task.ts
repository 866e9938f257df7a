import { parentPort, workerData } from 'node:worker_threads'
import { openDatabase } from '~/utils/db.server'
import { publishSummary } from './summaries.server'

const { file, roundId, ready } = workerData as { file: string; roundId: number; ready: SharedArrayBuffer }
const db = openDatabase(file)
const gate = new Int32Array(ready)
// Both workers arrive, then both publish at once.
Atomics.add(gate, 0, 1)
while (Atomics.load(gate, 0) < 2) Atomics.wait(gate, 0, 1, 20)
try {
  const number = publishSummary(db, { roundId, actorId: null })
  parentPort?.postMessage({ number })
} catch (error) {
  parentPort?.postMessage({ error: String(error) })
} finally {
  db.$client.close()
}
