/**
 * Counts of a round's submitted comments, read from comment_counts (kept by triggers on comments,
 * migration 0003) instead of counting the round's rows: what a page costs no longer grows with the
 * number of comments in the round.
 */
import { and, eq, sql, type SQL } from 'drizzle-orm'
import { commentCounts, type CountDimension } from '#db/schema/index'
import type { Db } from '~/utils/db.server'

/** The comments a count covers: the moderation queue's states, or what the public may read. */
export type CountScope = 'submitted' | 'public' | 'unreviewed' | 'confirmed' | 'hidden'

function scopeWhere(scope: CountScope): SQL[] {
  switch (scope) {
    case 'submitted':
      return []
    case 'public':
      return [eq(commentCounts.moderation, 'visible'), eq(commentCounts.published, true)]
    case 'unreviewed':
      return [eq(commentCounts.moderation, 'visible'), eq(commentCounts.reviewState, 'unreviewed')]
    case 'confirmed':
      return [eq(commentCounts.moderation, 'visible'), eq(commentCounts.reviewState, 'reviewed')]
    case 'hidden':
      return [eq(commentCounts.moderation, 'hidden')]
  }
}

/** Each value of one property with its number of comments (values with none left out). */
export function countsBy(db: Db, roundId: number, dimension: CountDimension, scope: CountScope = 'submitted') {
  const rows = db
    .select({ value: commentCounts.value, n: sql<number>`sum(${commentCounts.n})` })
    .from(commentCounts)
    .where(and(eq(commentCounts.roundId, roundId), eq(commentCounts.dimension, dimension), ...scopeWhere(scope)))
    .groupBy(commentCounts.value)
    .having(sql`sum(${commentCounts.n}) > 0`)
    .orderBy(commentCounts.value)
    .all()
  return new Map(rows.map((row) => [row.value, row.n]))
}

/** The comments with one value of one property ('all' and '' for every comment of the round). */
export function countWhere(db: Db, roundId: number, dimension: CountDimension, value: string, scope: CountScope = 'submitted') {
  return (
    db
      .select({ n: sql<number>`coalesce(sum(${commentCounts.n}), 0)` })
      .from(commentCounts)
      .where(and(eq(commentCounts.roundId, roundId), eq(commentCounts.dimension, dimension), eq(commentCounts.value, value), ...scopeWhere(scope)))
      .get()?.n ?? 0
  )
}

/** The languages comments are declared in, in code order ('' stands for none and is left out). */
export function countedLanguages(db: Db, roundId: number, scope: CountScope = 'submitted') {
  return [...countsBy(db, roundId, 'language', scope).keys()].filter((language) => language !== '')
}

/** Comments per clause: the clause id, null for the draft as a whole. */
export function countsByClause(db: Db, roundId: number, scope: CountScope = 'submitted') {
  return new Map([...countsBy(db, roundId, 'clause', scope)].map(([value, n]) => [value === '' ? null : Number(value), n]))
}

/**
 * Counts every round's comments again from the comments themselves, as migrations 0003 and 0004 did: for
 * tests, and for tools that fill the comments table with the triggers set aside.
 */
export function recountComments(db: Db) {
  db.transaction((tx) => {
    tx.delete(commentCounts).run()
    const dimensions: [CountDimension, string][] = [
      ['all', `''`],
      ['clause', `coalesce(cast(clause_id as text), '')`],
      ['category', 'category'],
      ['region', `coalesce(region_code, '')`],
      ['language', `coalesce(declared_language, '')`],
    ]
    for (const [dimension, value] of dimensions) {
      tx.run(sql`
        insert into comment_counts (round_id, dimension, value, moderation, review_state, published, n)
        select round_id, ${dimension}, ${sql.raw(value)}, moderation, review_state, consent <> 'private', count(*)
        from comments where status = 'submitted' group by 1, 2, 3, 4, 5, 6`)
    }
    tx.run(sql`
      insert into comment_counts (round_id, dimension, value, moderation, review_state, published, n)
      select round_id, 'suggested', '', moderation, review_state, consent <> 'private', count(*)
      from comments c
      where status = 'submitted' and exists (select 1 from comment_concerns cc where cc.comment_id = c.id and cc.source = 'suggested')
      group by 1, 2, 3, 4, 5, 6`)
  })
}
