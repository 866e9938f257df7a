import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

/**
 * Migrates one template database for the whole run; each test copies it (see db.ts), which takes
 * far less time than migrating and loading the reference data again.
 */
export default async function setup() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-test-'))
  const template = path.join(dir, 'template.db')
  // Modules that import the process-wide client get a database of their own, never data/.
  process.env.DATABASE_PATH = path.join(dir, 'default.db')
  // Rate-limit counters in memory, one store per test file: no file shared between the workers.
  process.env.RATE_LIMIT_DATABASE_PATH = ':memory:'
  const { openDatabase, prepareDatabase } = await import('~/utils/db.server')
  const db = prepareDatabase(openDatabase(template))
  db.$client.pragma('wal_checkpoint(TRUNCATE)')
  db.$client.pragma('journal_mode = DELETE')
  db.$client.close()
  process.env.CONCORD_TEST_TEMPLATE = template
  return () => fs.rmSync(dir, { recursive: true, force: true })
}
