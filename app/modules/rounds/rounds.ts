import type { StakeholderCategory } from '#db/schema/accounts'

export type RoundState = 'scheduled' | 'open' | 'closed' | 'summarised'

/** A round's state follows from the clock (and, once closed, from a published summary). */
export function roundState(round: { opensAt: Date; closesAt: Date }, now: Date, hasPublishedSummary = false): RoundState {
  if (now < round.opensAt) return 'scheduled'
  if (now < round.closesAt) return 'open'
  return hasPublishedSummary ? 'summarised' : 'closed'
}

export type CommentRefusal = 'notOpenYet' | 'closed' | 'ineligible'

/** Why a participant of this category may not comment now, or null when they may. */
export function commentRefusal(
  round: { opensAt: Date; closesAt: Date; eligibleCategories: StakeholderCategory[] },
  category: StakeholderCategory,
  now: Date,
): CommentRefusal | null {
  const state = roundState(round, now)
  if (state === 'scheduled') return 'notOpenYet'
  if (state !== 'open') return 'closed'
  if (!round.eligibleCategories.includes(category)) return 'ineligible'
  return null
}
