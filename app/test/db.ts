import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { openDatabase, type Db } from '~/utils/db.server'

const opened: { db: Db; file: string }[] = []

/** A fresh, migrated database with the reference data, copied from the run's template. */
export function createTestDb(): Db {
  const template = process.env.CONCORD_TEST_TEMPLATE
  if (!template) throw new Error('CONCORD_TEST_TEMPLATE is not set: run the tests through vitest')
  const file = path.join(os.tmpdir(), `concord-${process.pid}-${opened.length}-${Date.now()}.db`)
  fs.copyFileSync(template, file)
  const db = openDatabase(file)
  opened.push({ db, file })
  return db
}

export function closeTestDbs() {
  for (const { db, file } of opened.splice(0)) {
    db.$client.close()
    for (const suffix of ['', '-wal', '-shm']) fs.rmSync(file + suffix, { force: true })
  }
}
