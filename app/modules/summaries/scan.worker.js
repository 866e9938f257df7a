// A worker thread that reads one range of a round's comments for the summary's pass (figures.server.ts):
// it opens the database file read-only on a connection of its own, runs the count it was given and
// reads the range into columns (scan-columns.js) in one snapshot, posts them on the port it was
// given, and raises the flag the waiting thread
// sleeps on. Whatever happens, the flag is raised, with an error posted if the read failed.
import { workerData } from 'node:worker_threads'

const { file, query, params, from, to, pageSize, count, port, flag } = workerData
const done = new Int32Array(flag)
let connection
try {
  const [{ default: Database }, { scanColumns, columnBuffers }] = await Promise.all([import('better-sqlite3'), import('./scan-columns.js')])
  connection = new Database(file, { readonly: true, fileMustExist: true })
  connection.pragma('busy_timeout = 5000')
  const read = connection.transaction(() => ({
    count: connection.prepare(count.sql).pluck().get(...count.params),
    columns: scanColumns(connection.prepare(query), params, from, to, pageSize),
  }))
  const { count: counted, columns } = read()
  port.postMessage({ columns, count: counted }, columnBuffers(columns))
} catch (error) {
  port.postMessage({ error: String(error?.stack ?? error) })
} finally {
  connection?.close()
  Atomics.store(done, 0, 1)
  Atomics.notify(done, 0)
}
