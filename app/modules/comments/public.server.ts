import { asc, eq } from 'drizzle-orm'
import { m49Areas } from '#db/schema/index'
import type { Db } from '~/utils/db.server'
import { countedLanguages, countsByClause } from './counts.server'

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

/** The languages the public comments of a round are written in, for the language filter. */
export function listPublicLanguages(db: Db, roundId: number) {
  return countedLanguages(db, roundId, 'public')
}

/**
 * Submitted comments per clause of a round (clauseId null: the draft as a whole), published or not:
 * the same comments the round's counter counts.
 */
export function countSubmittedByClause(db: Db, roundId: number) {
  return countsByClause(db, roundId, 'submitted')
}

/** Public comments per clause of a round (clauseId null: the draft as a whole). */
export function countPublicByClause(db: Db, roundId: number) {
  return countsByClause(db, roundId, 'public')
}
