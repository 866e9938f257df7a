import { and, asc, eq, sql } from 'drizzle-orm'
import { comments, m49Areas } from '#db/schema/index'
import type { Db } from '~/utils/db.server'

/** The UN M49 regions (Africa, Americas, Asia, Europe, Oceania), the choices of the region filter. */
export function listM49Regions(db: Db) {
  return db
    .select({ code: m49Areas.code })
    .from(m49Areas)
    .where(eq(m49Areas.kind, 'region'))
    .orderBy(asc(m49Areas.code))
    .all()
    .map((row) => row.code)
}

const isPublic = (roundId: number) =>
  and(
    eq(comments.roundId, roundId),
    eq(comments.status, 'submitted'),
    eq(comments.moderation, 'visible'),
    sql`${comments.consent} != 'private'`,
  )

/** The languages the public comments of a round are written in, for the language filter. */
export function listPublicLanguages(db: Db, roundId: number) {
  return db
    .selectDistinct({ language: comments.declaredLanguage })
    .from(comments)
    .where(and(isPublic(roundId), sql`${comments.declaredLanguage} is not null`))
    .orderBy(asc(comments.declaredLanguage))
    .all()
    .map((row) => row.language!)
}

/**
 * Submitted comments per clause of a round (clauseId null: the draft as a whole), published or not:
 * the same comments the round's counter counts.
 */
export function countSubmittedByClause(db: Db, roundId: number) {
  const rows = db
    .select({ clauseId: comments.clauseId, count: sql<number>`count(*)` })
    .from(comments)
    .where(and(eq(comments.roundId, roundId), eq(comments.status, 'submitted')))
    .groupBy(comments.clauseId)
    .all()
  return new Map(rows.map((row) => [row.clauseId, row.count]))
}

/** Public comments per clause of a round (clauseId null: the draft as a whole). */
export function countPublicByClause(db: Db, roundId: number) {
  const rows = db
    .select({ clauseId: comments.clauseId, count: sql<number>`count(*)` })
    .from(comments)
    .where(isPublic(roundId))
    .groupBy(comments.clauseId)
    .all()
  return new Map(rows.map((row) => [row.clauseId, row.count]))
}
