import { sql } from 'drizzle-orm'
import { createTestDb } from '~/test/db'
import { appendAudit, GENESIS_HASH, verifyAuditLog } from './audit.server'

function fill(count: number) {
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
      after: { moderation: 'hidden', reason: 'spam' },
    })
  }
  return db
}

describe('audit log hash chain', () => {
  it('chains each entry to the one before and verifies an untouched log', () => {
    const db = fill(5)
    const rows = db.$client.prepare('select id, prev_hash, hash from audit_log order by id').all() as {
      id: number
      prev_hash: string
      hash: string
    }[]
    expect(rows[0]!.prev_hash).toBe(GENESIS_HASH)
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.prev_hash).toBe(rows[i - 1]!.hash)
    expect(verifyAuditLog(db)).toEqual({ ok: true, entries: 5, problems: [] })
  })

  it('finds an altered entry', () => {
    const db = fill(5)
    db.run(sql`update audit_log set reason = 'abuse' where id = 3`)
    expect(verifyAuditLog(db).problems).toEqual([{ id: 3, problem: 'hashMismatch' }])
  })

  it('finds a deleted entry, in the middle or at the start', () => {
    const db = fill(5)
    db.run(sql`delete from audit_log where id = 2`)
    expect(verifyAuditLog(db).problems).toEqual([
      { id: 2, problem: 'missingEntry' },
      { id: 3, problem: 'brokenLink' },
    ])
    const other = fill(3)
    other.run(sql`delete from audit_log where id = 1`)
    expect(verifyAuditLog(other).ok).toBe(false)
  })

  it('finds an entry rewritten together with its own hash', () => {
    const db = fill(4)
    const row = db.$client.prepare('select * from audit_log where id = 2').get() as Record<string, unknown>
    db.run(sql`update audit_log set after = '{"moderation":"visible"}' where id = 2`)
    // Recomputing the hash of the forged entry still breaks the link from the next one.
    const { entryHash } = require_entryHash()
    const forged = entryHash({
      id: 2,
      roundId: row.round_id as number,
      actorId: row.actor_id as string,
      action: row.action as string,
      subjectType: row.subject_type as string,
      subjectId: row.subject_id as string,
      reason: row.reason as string,
      before: JSON.parse(row.before as string),
      after: { moderation: 'visible' },
      createdAt: new Date(row.created_at as number),
      prevHash: row.prev_hash as string,
    })
    db.run(sql`update audit_log set hash = ${forged} where id = 2`)
    expect(verifyAuditLog(db).problems).toEqual([{ id: 3, problem: 'brokenLink' }])
  })
})

import * as audit from './audit.server'
function require_entryHash() {
  return audit
}
