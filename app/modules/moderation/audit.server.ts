import crypto from 'node:crypto'
import { asc, desc, eq, gt, lt, and } from 'drizzle-orm'
import { auditLog } from '#db/schema/index'
import type { Db } from '~/utils/db.server'

export const GENESIS_HASH = '0'.repeat(64)

export type AuditEntry = {
  roundId: number | null
  actorId: string | null
  action: string
  subjectType: string
  subjectId: string | number
  reason?: string | null
  before?: unknown
  after?: unknown
}

type StoredEntry = {
  id: number
  roundId: number | null
  actorId: string | null
  action: string
  subjectType: string
  subjectId: string
  reason: string | null
  before: unknown
  after: unknown
  createdAt: Date
  prevHash: string
}

/** Canonical JSON: object keys sorted, so the same entry always hashes the same. */
function canonical(value: unknown): string {
  if (value === undefined) return 'null'
  if (value === null || typeof value !== 'object') return JSON.stringify(value)
  if (value instanceof Date) return JSON.stringify(value.toISOString())
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`
}

/** The hash of an entry covers its id, its content and the hash of the entry before it. */
export function entryHash(entry: StoredEntry) {
  const content = canonical({
    id: entry.id,
    roundId: entry.roundId,
    actorId: entry.actorId,
    action: entry.action,
    subjectType: entry.subjectType,
    subjectId: entry.subjectId,
    reason: entry.reason,
    before: entry.before ?? null,
    after: entry.after ?? null,
    createdAt: entry.createdAt.getTime(),
    prevHash: entry.prevHash,
  })
  return crypto.createHash('sha256').update(content).digest('hex')
}

/**
 * Appends an entry to the hash-chained audit log. Call it inside the transaction of the act it
 * records, so the act and its record commit together; SQLite's single writer keeps the chain linear.
 */
export function appendAudit(db: Db, entry: AuditEntry, now = new Date()) {
  const last = db
    .select({ id: auditLog.id, hash: auditLog.hash })
    .from(auditLog)
    .orderBy(desc(auditLog.id))
    .limit(1)
    .get()
  const stored: StoredEntry = {
    id: (last?.id ?? 0) + 1,
    roundId: entry.roundId,
    actorId: entry.actorId,
    action: entry.action,
    subjectType: entry.subjectType,
    subjectId: String(entry.subjectId),
    reason: entry.reason ?? null,
    before: entry.before ?? null,
    after: entry.after ?? null,
    createdAt: now,
    prevHash: last?.hash ?? GENESIS_HASH,
  }
  db.insert(auditLog)
    .values({ ...stored, hash: entryHash(stored) })
    .run()
  return stored.id
}

export type AuditProblem = { id: number; problem: 'hashMismatch' | 'brokenLink' | 'missingEntry' }

/**
 * Walks the whole chain. An edited entry no longer matches its hash; a deleted one leaves a gap in
 * the ids and a broken link; a rewritten tail breaks the link of the entry after it.
 */
export function verifyAuditLog(db: Db): { ok: boolean; entries: number; problems: AuditProblem[] } {
  const problems: AuditProblem[] = []
  let previousHash = GENESIS_HASH
  let expectedId = 1
  let entries = 0
  // In pages of ids, so a long log is never held in memory at once.
  for (let after = 0; ; ) {
    const page = db.select().from(auditLog).where(gt(auditLog.id, after)).orderBy(asc(auditLog.id)).limit(5000).all()
    if (!page.length) break
    after = page[page.length - 1]!.id
    for (const row of page) {
      entries++
      if (row.id !== expectedId) problems.push({ id: expectedId, problem: 'missingEntry' })
      if (row.prevHash !== previousHash) problems.push({ id: row.id, problem: 'brokenLink' })
      if (entryHash({ ...row, before: row.before, after: row.after }) !== row.hash) {
        problems.push({ id: row.id, problem: 'hashMismatch' })
      }
      previousHash = row.hash
      expectedId = row.id + 1
    }
  }
  return { ok: problems.length === 0, entries, problems }
}

export function listAudit(db: Db, roundId: number, before?: number, limit = 50) {
  const rows = db
    .select()
    .from(auditLog)
    .where(
      before === undefined
        ? eq(auditLog.roundId, roundId)
        : and(eq(auditLog.roundId, roundId), lt(auditLog.id, before)),
    )
    .orderBy(desc(auditLog.id))
    .limit(limit + 1)
    .all()
  return { entries: rows.slice(0, limit), nextBefore: rows.length > limit ? rows[limit - 1]!.id : null }
}
