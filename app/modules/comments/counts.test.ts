import { asc, ne, sql } from 'drizzle-orm'
import { commentCounts } from '#db/schema/index'
import { signupSchema } from '~/modules/accounts/accounts.schema'
import { createUser } from '~/modules/accounts/accounts.server'
import { confirmConcerns } from '~/modules/concerns/concerns.server'
import { hideComment, listQueue, listQueueLanguages, restoreComment } from '~/modules/moderation/moderation.server'
import { createNorm } from '~/modules/norms/norms.server'
import { createRound } from '~/modules/rounds/rounds.server'
import { lensOptions } from '~/modules/summaries/summaries.server'
import { createTestDb } from '~/test/db'
import type { Db } from '~/utils/db.server'
import { saveComment, withdrawComment } from './comments.server'
import { recountComments } from './counts.server'
import { countPublicByClause, countSubmittedByClause, listPublicLanguages } from './public.server'
import { checkCommentFile, importComments } from './transfer.server'

const DAY = 24 * 60 * 60 * 1000

async function setup() {
  const db = createTestDb()
  const versionId = createNorm(
    db,
    {
      sourceLanguage: 'en',
      title: 'Draft norms',
      preamble: '',
      clauses: [
        { label: '1', heading: null, text: 'States should cooperate.' },
        { label: '2', heading: null, text: 'States should protect critical infrastructure.' },
      ],
    },
    null,
  )
  const round = createRound(
    db,
    {
      versionId,
      title: 'Round',
      opensAt: new Date(Date.now() - DAY),
      closesAt: new Date(Date.now() + DAY),
      eligibleCategories: ['civil_society', 'government', 'research'],
    },
    null,
  )
  if (!round.ok) throw new Error(round.error)
  const person = async (email: string, category: string, country: string) => {
    const created = await createUser(
      db,
      signupSchema.parse({ email, displayName: email, password: 'a long enough password', language: 'en', organization: '', category, country }),
    )
    if (!created.ok) throw new Error(JSON.stringify(created.errors))
    return created.userId
  }
  return {
    db,
    roundId: round.roundId,
    amina: await person('amina@example.org', 'civil_society', 'SN'),
    dmitry: await person('dmitry@example.org', 'government', 'RU'),
    moderator: await person('moderator@example.org', 'research', 'CH'),
  }
}

/** The stored counts without the rows that went back to zero. */
function counts(db: Db) {
  return db
    .select()
    .from(commentCounts)
    .where(ne(commentCounts.n, 0))
    .orderBy(asc(commentCounts.roundId), asc(commentCounts.dimension), asc(commentCounts.value), asc(commentCounts.moderation), asc(commentCounts.reviewState), asc(commentCounts.published))
    .all()
}

/** The counts the triggers kept equal the counts made again from the comments themselves. */
function expectCountsKept(db: Db) {
  const kept = counts(db)
  recountComments(db)
  expect(kept).toEqual(counts(db))
}

function submit(db: Db, roundId: number, userId: string, input: { clause: string; text: string; language?: string; consent?: 'named' | 'anonymous' | 'private'; intent?: 'draft' | 'submit'; commentId?: number }) {
  const result = saveComment(db, {
    roundId,
    userId,
    input: { intent: input.intent ?? 'submit', clause: input.clause, position: 'support', text: input.text, concerns: [], consent: input.consent ?? 'named', language: input.language, commentId: input.commentId },
  })
  if (!result.ok) throw new Error(result.error)
  return result.commentId
}

describe('the counts of a round', () => {
  it('follow every command that writes comments, and pages read them instead of counting the round', async () => {
    const { db, roundId, amina, dmitry, moderator } = await setup()
    const clauses = listClauseIds(db, roundId)

    const draft = submit(db, roundId, amina, { clause: String(clauses[0]), text: 'Un brouillon sur la coopération.', language: 'fr', intent: 'draft' })
    expect(countSubmittedByClause(db, roundId)).toEqual(new Map())
    expectCountsKept(db)

    const named = submit(db, roundId, amina, { clause: String(clauses[0]), text: 'Les États devraient coopérer davantage.', language: 'fr' })
    const hidden = submit(db, roundId, dmitry, { clause: String(clauses[1]), text: 'Государства должны защищать инфраструктуру.', language: 'ru' })
    submit(db, roundId, dmitry, { clause: 'whole', text: 'A private remark on the whole draft.', language: 'en', consent: 'private' })
    submit(db, roundId, amina, { clause: String(clauses[0]), text: 'Le brouillon, enfin soumis.', language: 'fr', commentId: draft })
    expect(countSubmittedByClause(db, roundId)).toEqual(new Map([[clauses[0], 2], [clauses[1], 1], [null, 1]]))
    expect(countPublicByClause(db, roundId)).toEqual(new Map([[clauses[0], 2], [clauses[1], 1]]))
    expect(listPublicLanguages(db, roundId)).toEqual(['fr', 'ru'])
    expect(listQueueLanguages(db, roundId)).toEqual(['en', 'fr', 'ru'])
    expectCountsKept(db)

    // An edit moves the comment to another clause; a withdrawal takes it out.
    submit(db, roundId, amina, { clause: String(clauses[1]), text: 'Les États devraient protéger les infrastructures.', language: 'fr', commentId: named })
    expect(countSubmittedByClause(db, roundId)).toEqual(new Map([[clauses[0], 1], [clauses[1], 2], [null, 1]]))
    expect(withdrawComment(db, { userId: amina, commentId: draft }).ok).toBe(true)
    expect(countSubmittedByClause(db, roundId)).toEqual(new Map([[clauses[1], 2], [null, 1]]))
    expectCountsKept(db)

    // Moderators hide, restore and confirm.
    expect(hideComment(db, { roundId, commentId: hidden, reason: 'off_topic', actorId: moderator }).ok).toBe(true)
    expect(listPublicLanguages(db, roundId)).toEqual(['fr'])
    expect(listQueue(db, roundId, { state: 'hidden' }).total).toBe(1)
    expectCountsKept(db)
    expect(restoreComment(db, { roundId, commentId: hidden, reason: 'mistake', actorId: moderator }).ok).toBe(true)
    expect(listPublicLanguages(db, roundId)).toEqual(['fr', 'ru'])
    const confirmed = confirmConcerns(db, { roundId, keysByComment: new Map([[named, ['privacy']]]), actorId: moderator })
    expect(confirmed.ok).toBe(true)
    expect(listQueue(db, roundId, { state: 'confirmed' }).total).toBe(1)
    expect(listQueue(db, roundId, { state: 'unreviewed' }).total).toBe(2)
    expectCountsKept(db)

    // An import counts its rows too.
    const file = Buffer.from(
      'external_id,clause,stakeholder_category,organization,country,language,position,text,proposed_text,concerns\r\n' +
        'p-1,1,research,,DE,de,oppose,Die Staaten sollten enger zusammenarbeiten.,,\r\n' +
        'p-2,,government,,BR,es,support,Los Estados deberían cooperar más estrechamente.,,\r\n',
    )
    const checked = await checkCommentFile(db, roundId, file, 'csv')
    if (!checked.ok) throw new Error(JSON.stringify(checked.errors))
    expect((await importComments(db, roundId, checked.rows, moderator)).ok).toBe(true)
    expect(listQueueLanguages(db, roundId)).toEqual(['de', 'en', 'es', 'fr', 'ru'])
    expect(lensOptions(db, roundId).languages).toEqual(['de', 'en', 'es', 'fr', 'ru'])
    expectCountsKept(db)
  })

  it('give the moderation queue the same totals as counting its rows, filter by filter', async () => {
    const { db, roundId, amina, dmitry } = await setup()
    const clauses = listClauseIds(db, roundId)
    submit(db, roundId, amina, { clause: String(clauses[0]), text: 'Les États devraient coopérer davantage.', language: 'fr' })
    submit(db, roundId, dmitry, { clause: String(clauses[1]), text: 'Государства должны защищать инфраструктуру.', language: 'ru' })
    submit(db, roundId, dmitry, { clause: 'whole', text: 'A remark on the whole draft.', language: 'en', consent: 'private' })
    submit(db, roundId, amina, {
      clause: String(clauses[1]),
      text: 'Privacy and human rights must come first: surveillance of personal data threatens privacy and freedom of expression.',
      language: 'en',
    })
    expect(listQueue(db, roundId, { state: 'suggested' }).total).toBeGreaterThan(0)
    expectCountsKept(db)
    const filters = [
      {},
      { clause: clauses[0]! },
      { clause: 'whole' as const },
      { category: 'government' as const },
      { region: '150' },
      { language: 'ru' },
      { language: 'ru', state: 'unreviewed' as const },
      { state: 'hidden' as const },
      { state: 'suggested' as const },
      { state: 'suggested' as const, language: 'en' },
    ]
    for (const filter of filters) {
      const { total, items } = listQueue(db, roundId, filter, null, 100)
      expect({ filter, total }).toEqual({ filter, total: items.length })
    }
  })
})

function listClauseIds(db: Db, roundId: number) {
  return db.all<{ id: number }>(sql`select c.id from clauses c join rounds r on r.version_id = c.version_id where r.id = ${roundId} order by c.position`).map((row) => row.id)
}
