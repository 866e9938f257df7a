// Checkpoints of the database's write-ahead log, made by a thread of their own.
//
// In WAL mode SQLite copies the log back into the database file (a checkpoint) when a commit leaves
// more than 1,000 pages in it, and the connection that committed does the copying, with an fsync,
// before its call returns: at 1,000,000 comments that is 40-50 ms, during which the server process
// answers nothing, every few dozen comments (about half of a save's time on average; README,
// decision 30). A thread with its own connection makes a PASSIVE checkpoint every CHECKPOINT_MS
// instead: it copies what no reader still needs without waiting for readers or writers and without
// taking the write lock, so saves go on meanwhile, and the log rarely reaches the 1,000 pages. If
// it does (the thread is behind or gone), the committing connection checkpoints as before.
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads'

const CHECKPOINT_MS = 100

/** Starts the checkpointing thread for a database file that exists; it never keeps the process alive. */
export function startCheckpoints(databasePath, { intervalMs = CHECKPOINT_MS } = {}) {
  const worker = new Worker(fileURLToPath(import.meta.url), { workerData: { databasePath: path.resolve(databasePath), intervalMs } })
  worker.unref()
  worker.on('message', (message) => process.stderr.write(JSON.stringify({ level: 'warn', msg: 'checkpoints stopped', error: message.error }) + '\n'))
  worker.on('error', (error) => process.stderr.write(JSON.stringify({ level: 'warn', msg: 'checkpoints stopped', error: error?.name ?? 'Error' }) + '\n'))
  return worker
}

if (!isMainThread && workerData?.databasePath) {
  const { default: Database } = await import('better-sqlite3')
  const { databasePath, intervalMs } = workerData
  const db = new Database(databasePath, { fileMustExist: true })
  // As the server's own connections (db.server.ts, synchronousMode): what the checkpoint syncs.
  db.pragma(`synchronous = ${(process.env.DATABASE_SYNCHRONOUS || 'NORMAL').trim().toUpperCase() === 'FULL' ? 'FULL' : 'NORMAL'}`)
  const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)')
  const timer = setInterval(() => {
    try {
      checkpoint.get()
    } catch (error) {
      // The file gone or unreadable: the committing connections checkpoint as they did before.
      clearInterval(timer)
      parentPort?.postMessage({ error: error?.code ?? error?.name ?? 'Error' })
      db.close()
    }
  }, intervalMs)
}
