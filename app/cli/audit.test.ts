import path from 'node:path'
import os from 'node:os'
import { sql } from 'drizzle-orm'
import { appendAudit } from '~/modules/moderation/audit.server'
import { createTestDb } from '~/test/db'
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
    const code = await main(['node', 'concord', ...args])
    return { code, stdout, stderr }
  } finally {
    out.mockRestore()
    err.mockRestore()
  }
}

/** A database of its own with `count` audit entries, so tampering touches no other test. */
function logWith(count: number) {
  const db = createTestDb()
  for (let i = 1; i <= count; i++) {
    appendAudit(db, {
      roundId: 1,
      actorId: 'moderator',
      action: 'comment.hide',
      subjectType: 'comment',
      subjectId: i,
      reason: 'spam',
      before: { moderation: 'visible' },
      after: { moderation: 'hidden', hiddenReason: 'spam' },
    })
  }
  return { db, file: db.$client.name }
}

describe('concord audit verify', () => {
  it('prints OK with the number of entries and exits 0 on an intact log', async () => {
    const { file } = logWith(4)
    expect(await run('audit', 'verify', '--database', file)).toEqual({
      code: 0,
      stdout: 'OK: audit log intact, 4 entries verified\n',
      stderr: '',
    })
  })

  it('exits 1 naming the entry altered directly in the database', async () => {
    const { db, file } = logWith(4)
    db.run(sql`update audit_log set reason = 'abuse' where id = 3`)
    const result = await run('audit', 'verify', '--database', file)
    expect(result.code).toBe(1)
    expect(result.stdout).toBe('')
    expect(result.stderr).toBe(
      'concord: audit log NOT intact: 1 problem in 4 entries\n  entry 3: altered: its content no longer matches its hash\n',
    )
  })

  it('exits 1 naming the gap a deleted entry leaves', async () => {
    const { db, file } = logWith(4)
    db.run(sql`delete from audit_log where id = 2`)
    const result = await run('audit', 'verify', '--database', file)
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('2 problems in 3 entries')
    expect(result.stderr).toContain('  entry 2: missing: the entry was deleted\n')
    expect(result.stderr).toContain('  entry 3: broken link')
  })

  it('exits 1 when the database file cannot be opened, creating nothing', async () => {
    const missing = path.join(os.tmpdir(), `concord-no-such-${process.pid}.db`)
    const result = await run('audit', 'verify', '--database', missing)
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/^concord: cannot open .*concord-no-such-\d+\.db/)
  })
})
