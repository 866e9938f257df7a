import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'
import { signupSchema } from '~/modules/accounts/accounts.schema'
import { createUser } from '~/modules/accounts/accounts.server'
import { saveComment } from '~/modules/comments/comments.server'
import { createNorm } from '~/modules/norms/norms.server'
import { createRound } from '~/modules/rounds/rounds.server'
import { createTestDb } from '~/test/db'
import { openDatabase, type Db } from '~/utils/db.server'
import { main } from './main'

async function run(...args: string[]) {
  let stdout = ''
  let stderr = ''
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += String(chunk)
    return true
  })
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr += String(chunk)
    return true
  })
  try {
    return { code: await main(['node', 'concord', ...args]), stdout, stderr }
  } finally {
    out.mockRestore()
    err.mockRestore()
  }
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-backup-'))
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

let people = 0
async function addParticipant(db: Db) {
  people += 1
  const created = await createUser(
    db,
    signupSchema.parse({
      email: `person${people}@example.org`,
      password: 'a long enough password',
      displayName: `Person ${people}`,
      category: 'research',
      country: 'BR',
      language: 'es',
    }),
  )
  if (!created.ok) throw new Error('user')
  return created.userId
}

/** A database with a round and comments in it: something worth backing up. */
async function consultation() {
  const db = createTestDb()
  const versionId = createNorm(db, { sourceLanguage: 'en', title: 'N', preamble: '', clauses: [{ label: '1', heading: null, text: 'One.' }] }, null)
  const round = createRound(
    db,
    { versionId, title: 'R', opensAt: new Date(Date.now() - 3_600_000), closesAt: new Date(Date.now() + 3_600_000), eligibleCategories: ['research'] },
    null,
  )
  if (!round.ok) throw new Error('round')
  const userId = await addParticipant(db)
  for (const text of ['Los Estados deberían cooperar.', 'Принцип должен быть уточнён.', '应当明确界定关键基础设施。']) {
    const saved = saveComment(db, { roundId: round.roundId, userId, input: { intent: 'submit', clause: 'whole', position: 'amend', text, concerns: [], consent: 'named' } })
    if (!saved.ok) throw new Error('comment')
  }
  return db
}

/** Every row of every table, in a fixed order: what "the same contents" means. */
function contents(sqlite: Database.Database) {
  const tables = sqlite.prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name").pluck().all() as string[]
  return Object.fromEntries(tables.map((table) => [table, sqlite.prepare(`select * from "${table}" order by rowid`).all()]))
}

describe('concord backup', () => {
  it('copies the live database to a new file whose integrity is ok and whose contents are the same', async () => {
    const db = await consultation()
    vi.stubEnv('DATABASE_PATH', db.$client.name)
    const target = path.join(dir, 'first.db')
    const result = await run('backup', target)
    expect(result).toMatchObject({ code: 0, stderr: '' })
    expect(result.stdout).toMatch(/^OK: backup written to .*first\.db \(\d+ pages, integrity ok\)\n$/)
    const copy = new Database(target, { readonly: true })
    expect(copy.pragma('integrity_check', { simple: true })).toBe('ok')
    expect(copy.pragma('journal_mode', { simple: true })).toBe('delete')
    expect(contents(copy)).toEqual(contents(db.$client))
    expect((contents(copy).comments as unknown[]).length).toBe(3)
    copy.close()
    expect(fs.readdirSync(dir).filter((name) => name.includes('partial'))).toEqual([])
  })

  it('restores by putting the file in place of the database and its -wal and -shm files', async () => {
    const db = await consultation()
    const file = db.$client.name
    vi.stubEnv('DATABASE_PATH', file)
    const target = path.join(dir, 'restore.db')
    expect((await run('backup', target)).code).toBe(0)
    const backedUp = contents(new Database(target, { readonly: true }))
    // Written after the backup: gone once the backup is restored.
    await addParticipant(db)
    expect(contents(db.$client)).not.toEqual(backedUp)
    db.$client.close()
    // The README's steps, with the server stopped.
    fs.copyFileSync(target, file)
    for (const suffix of ['-wal', '-shm']) fs.rmSync(file + suffix, { force: true })
    const restored = openDatabase(file)
    expect(restored.$client.pragma('integrity_check', { simple: true })).toBe('ok')
    expect(contents(restored.$client)).toEqual(backedUp)
    restored.$client.close()
  })

  it('never overwrites a file, and says why', async () => {
    const db = await consultation()
    vi.stubEnv('DATABASE_PATH', db.$client.name)
    const target = path.join(dir, 'taken.db')
    fs.writeFileSync(target, 'keep me')
    const result = await run('backup', target)
    expect(result.code).toBe(1)
    expect(result.stderr).toBe(`concord: ${target} already exists: choose a new file name\n`)
    expect(fs.readFileSync(target, 'utf8')).toBe('keep me')
    const nowhere = await run('backup', path.join(dir, 'missing', 'x.db'))
    expect(nowhere.code).toBe(1)
    expect(nowhere.stderr).toMatch(/folder .*missing does not exist/)
  })

  it('says when there is no database to back up', async () => {
    vi.stubEnv('DATABASE_PATH', path.join(dir, 'absent.db'))
    const result = await run('backup', path.join(dir, 'of-nothing.db'))
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/^concord: cannot open the database .*absent\.db/)
    expect(fs.existsSync(path.join(dir, 'of-nothing.db'))).toBe(false)
  })
})
