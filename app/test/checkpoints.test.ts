import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'
// The server's own checkpointing thread (plain JavaScript beside server.js).
import { startCheckpoints } from '../../checkpoints.js'

/**
 * checkpoints.js (README, decision 30): a thread of the server copies the write-ahead log back into
 * the database, so that the connection that commits does not. Here the writer never checkpoints
 * itself (wal_autocheckpoint = 0): whatever is copied back was copied by the thread.
 */
type Checkpoint = { busy: number; log: number; checkpointed: number }

describe('the checkpointing thread', () => {
  let folder: string
  beforeEach(() => {
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-checkpoints-'))
  })
  afterEach(() => fs.rmSync(folder, { recursive: true, force: true }))

  const writer = (file: string) => {
    const db = new Database(file)
    db.pragma('journal_mode = WAL')
    db.pragma('wal_autocheckpoint = 0')
    db.exec('create table if not exists notes (id integer primary key, text text not null)')
    return db
  }
  const write = (db: Database.Database, rows: number) => {
    const insert = db.prepare('insert into notes (text) values (?)')
    db.transaction(() => {
      for (let i = 0; i < rows; i++) insert.run(`a note of some length, number ${i} `.repeat(8))
    })()
  }
  /** What the log holds and how much of it is already in the database file (a no-op checkpoint of nothing else). */
  const state = (db: Database.Database) => (db.pragma('wal_checkpoint(PASSIVE)') as Checkpoint[])[0]!
  const until = async (condition: () => boolean) => {
    for (let i = 0; i < 100 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 20))
    return condition()
  }

  it('copies committed pages back into the database while the writer goes on', async () => {
    const file = path.join(folder, 'concord.db')
    const db = writer(file)
    write(db, 2000)
    const sizeBefore = fs.statSync(file).size
    const worker = startCheckpoints(file, { intervalMs: 10 })
    try {
      // The database file grows with the pages copied back, without the writer checkpointing.
      expect(await until(() => fs.statSync(file).size > sizeBefore * 4)).toBe(true)
      write(db, 2000)
      expect(await until(() => fs.statSync(file).size > sizeBefore * 8)).toBe(true)
      const { log, checkpointed } = state(db)
      expect(log).toBeGreaterThan(0)
      expect(checkpointed).toBe(log)
      expect((db.prepare('select count(*) as n from notes').get() as { n: number }).n).toBe(4000)
    } finally {
      db.close()
      await worker.terminate()
    }
  })

  it('leaves the writer to checkpoint when the database cannot be opened', async () => {
    const worker = startCheckpoints(path.join(folder, 'missing.db'), { intervalMs: 10 })
    const exit = await new Promise<number>((resolve) => worker.once('exit', resolve))
    expect(exit).toBe(1)
  })
})
