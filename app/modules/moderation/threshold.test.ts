import { eq } from 'drizzle-orm'
import { auditLog, duplicateGroups, rounds } from '#db/schema/index'
import { signupSchema } from '~/modules/accounts/accounts.schema'
import { createUser } from '~/modules/accounts/accounts.server'
import { saveComment } from '~/modules/comments/comments.server'
import { createNorm } from '~/modules/norms/norms.server'
import { createRound } from '~/modules/rounds/rounds.server'
import { createTestDb } from '~/test/db'
import type { Db } from '~/utils/db.server'
import { verifyAuditLog } from './audit.server'
import {
  duplicatesOverview,
  listDuplicateGroups,
  mergeGroups,
  parseGroupCursor,
  setCampaignThreshold,
  type GroupCursor,
} from './duplicates.server'

const TEXTS = [
  'Capacity building must come first: many regional CERTs lack staff and funding to do any of this.',
  'Operators cannot meet a 72-hour deadline for full reports; an early warning first would be realistic.',
  'Clause 5 must be rejected: lawful access to encrypted communications means backdoors that weaken security.',
  'Attribution needs shared evidence standards, otherwise public accusations will only escalate tensions.',
]

async function setup() {
  const db = createTestDb()
  const created = await createUser(
    db,
    signupSchema.parse({
      email: 'moderator@example.org',
      password: 'a long enough password',
      displayName: 'Moderator',
      category: 'civil_society',
      country: 'KE',
      language: 'en',
    }),
  )
  if (!created.ok) throw new Error('user')
  const userId = created.userId
  const versionId = createNorm(
    db,
    {
      sourceLanguage: 'en',
      title: 'Norms',
      preamble: '',
      clauses: [{ label: '1', heading: null, text: 'Cooperate.' }],
    },
    null,
  )
  const open = (title: string) => {
    const now = Date.now()
    const round = createRound(
      db,
      {
        versionId,
        title,
        opensAt: new Date(now - 1000),
        closesAt: new Date(now + 86_400_000),
        eligibleCategories: ['civil_society'],
      },
      null,
    )
    if (!round.ok) throw new Error('round')
    return round.roundId
  }
  const roundId = open('First reading')
  const otherRoundId = open('Parallel consultation')
  /** A group of `size` identical comments in the round; returns its id. */
  const group = (round: number, text: string, size: number) => {
    for (let i = 0; i < size; i++) {
      const result = saveComment(db, {
        roundId: round,
        userId,
        input: { intent: 'submit', clause: 'whole', position: 'amend', text, concerns: [], consent: 'named' },
      })
      if (!result.ok) throw new Error(result.error)
    }
    return db
      .select({ id: duplicateGroups.id })
      .from(duplicateGroups)
      .where(eq(duplicateGroups.roundId, round))
      .all()
      .at(-1)!.id
  }
  const small = group(roundId, TEXTS[0]!, 2)
  const medium = group(roundId, TEXTS[1]!, 3)
  const large = group(roundId, TEXTS[2]!, 5)
  const elsewhere = group(otherRoundId, TEXTS[3]!, 3)
  return { db, userId, roundId, otherRoundId, small, medium, large, elsewhere }
}

function campaigns(db: Db) {
  return Object.fromEntries(
    db
      .select({ id: duplicateGroups.id, isCampaign: duplicateGroups.isCampaign })
      .from(duplicateGroups)
      .all()
      .map((row) => [row.id, row.isCampaign]),
  )
}

describe('the campaign threshold', () => {
  it('flips is_campaign for exactly the round’s groups that cross it, with an audit entry', async () => {
    const s = await setup()
    // The default threshold is 5: only the group of five is a campaign.
    expect(campaigns(s.db)).toEqual({ [s.small]: false, [s.medium]: false, [s.large]: true, [s.elsewhere]: false })

    expect(
      setCampaignThreshold(s.db, s.roundId, 3, { actorId: s.userId, reason: 'smaller campaigns count too' }),
    ).toEqual({
      ok: true,
      changed: true,
      campaigns: 2,
    })
    expect(campaigns(s.db)).toEqual({ [s.small]: false, [s.medium]: true, [s.large]: true, [s.elsewhere]: false })
    expect(
      s.db.select({ threshold: rounds.campaignThreshold }).from(rounds).where(eq(rounds.id, s.roundId)).get(),
    ).toEqual({ threshold: 3 })
    expect(
      s.db.select({ threshold: rounds.campaignThreshold }).from(rounds).where(eq(rounds.id, s.otherRoundId)).get(),
    ).toEqual({ threshold: 5 })

    const entry = s.db.select().from(auditLog).where(eq(auditLog.action, 'duplicates.threshold')).get()
    expect(entry).toMatchObject({
      roundId: s.roundId,
      actorId: s.userId,
      subjectType: 'round',
      subjectId: String(s.roundId),
      reason: 'smaller campaigns count too',
      before: { threshold: 5, campaigns: [s.large] },
      after: { threshold: 3, campaigns: [s.medium, s.large] },
    })

    expect(setCampaignThreshold(s.db, s.roundId, 2, { actorId: s.userId })).toMatchObject({ ok: true, campaigns: 3 })
    expect(campaigns(s.db)).toEqual({ [s.small]: true, [s.medium]: true, [s.large]: true, [s.elsewhere]: false })
    expect(setCampaignThreshold(s.db, s.roundId, 6, { actorId: s.userId })).toMatchObject({ ok: true, campaigns: 0 })
    expect(campaigns(s.db)).toEqual({ [s.small]: false, [s.medium]: false, [s.large]: false, [s.elsewhere]: false })
    expect(verifyAuditLog(s.db)).toMatchObject({ ok: true, entries: 3 })
  })

  it('keeps the new threshold for groups that change later', async () => {
    const s = await setup()
    setCampaignThreshold(s.db, s.roundId, 4, { actorId: s.userId })
    expect(campaigns(s.db)[s.medium]).toBe(false)
    // Merging the groups of two and three makes a group of five, a campaign under the threshold of four.
    expect(mergeGroups(s.db, s.roundId, s.medium, s.small, { actorId: s.userId })).toBe(true)
    expect(campaigns(s.db)[s.medium]).toBe(true)
  })

  it('refuses a threshold below 2, fractional or absurd, and an unknown round, changing nothing', async () => {
    const s = await setup()
    const before = { groups: campaigns(s.db), audit: s.db.select().from(auditLog).all().length }
    for (const threshold of [1, 0, -3, 2.5, Number.NaN, 1_000_000]) {
      expect(setCampaignThreshold(s.db, s.roundId, threshold, { actorId: s.userId })).toEqual({
        ok: false,
        error: 'thresholdInvalid',
      })
    }
    expect(setCampaignThreshold(s.db, 999_999, 3, { actorId: s.userId })).toEqual({ ok: false, error: 'roundUnknown' })
    // The same threshold again: nothing to do, nothing logged.
    expect(setCampaignThreshold(s.db, s.roundId, 5, { actorId: s.userId })).toEqual({
      ok: true,
      changed: false,
      campaigns: 1,
    })
    expect({ groups: campaigns(s.db), audit: s.db.select().from(auditLog).all().length }).toEqual(before)
    expect(duplicatesOverview(s.db, s.roundId)).toEqual({ threshold: 5, groups: 3, campaigns: 1, comments: 10 })
  })
})

describe('the list of duplicate groups', () => {
  it('pages the round’s groups largest first with a keyset on size and id', async () => {
    const s = await setup()
    const first = listDuplicateGroups(s.db, s.roundId, null, 2)
    expect(first.groups.map((group) => [group.id, group.size])).toEqual([
      [s.large, 5],
      [s.medium, 3],
    ])
    expect(first.groups[0]).toMatchObject({ kind: 'exact', isCampaign: true, confirmed: false })
    expect(first.groups[0]!.representative?.text).toBe(TEXTS[2])
    expect(first.groups[0]!.members).toHaveLength(5)
    expect(first.groups[0]!.members[0]).toMatchObject({
      category: 'civil_society',
      countryCode: 'KE',
      hidden: false,
      truncated: false,
    })
    expect(first.next).toEqual({ size: 3, id: s.medium })

    const second = listDuplicateGroups(s.db, s.roundId, first.next as GroupCursor, 2)
    expect(second.groups.map((group) => group.id)).toEqual([s.small])
    expect(second.next).toBeNull()

    expect(parseGroupCursor('3.12')).toEqual({ size: 3, id: 12 })
    expect(parseGroupCursor('3;drop')).toBeNull()
    expect(parseGroupCursor('3.0')).toBeNull()
  })
})
