import { randomUUID } from 'node:crypto'
import { and, eq } from 'drizzle-orm'
import { clauses, type Role, type StakeholderCategory } from '#db/schema/index'
import { readContent, translateVersion, type DemoComment, type NormContent, type Person } from '#db/seed/demo'
import { createUser } from '~/modules/accounts/accounts.server'
import { saveComment } from '~/modules/comments/comments.server'
import { confirmConcerns } from '~/modules/concerns/concerns.server'
import { SUPPORTED_LANGUAGES, type Language } from '~/modules/i18n/i18n'
import { hideComment } from '~/modules/moderation/moderation.server'
import { createNorm, createVersionFrom, updateDraft } from '~/modules/norms/norms.server'
import { createRound, listConcerns } from '~/modules/rounds/rounds.server'
import { publishSummary } from '~/modules/summaries/summaries.server'
import type { Db } from '~/utils/db.server'

/**
 * A consultation with something on every page, for the authorization, bad-input and accessibility
 * tests: the demo's draft norm in six languages; a closed first reading whose comments (with a
 * campaign) were reviewed and whose summary is published; an open second reading where participant
 * A has a submitted comment, a draft and a comment a moderator hid; a third version still a draft;
 * and one account per role, including a regional viewer of the African Union and one of the EU.
 * It does not need an empty database: every address carries a tag of its own.
 */

export const SCENARIO_PASSWORD = 'concord-scenario-2026'

export const ACCOUNTS = ['participant', 'otherParticipant', 'moderator', 'viewer', 'otherViewer', 'admin'] as const
export type Account = (typeof ACCOUNTS)[number]

export type Scenario = {
  tag: string
  /** The first reading: closed, its concerns confirmed, its summary published (number 1). */
  closedRound: number
  /** The second reading: open; participant A's comments are here. */
  openRound: number
  openVersion: number
  /** A version nobody has frozen yet (editable and translatable). */
  draftVersion: number
  /** Participant A's submitted comment (on `clause`), draft and a submitted comment a moderator hid. */
  submitted: number
  draft: number
  hidden: number
  clause: number
  /** The closed round's campaign: a duplicate group. */
  group: number
  concernKey: string
  users: Record<Account, { id: string; email: string; displayName: string }>
  /** Texts only some readers may see, to look for in every answer. */
  secrets: { draft: string; hidden: string; hiddenNote: string }
}

const DAY = 24 * 60 * 60 * 1000

const ACCOUNT_PROFILES: Record<Account, { role: Role; category: StakeholderCategory; country: string; language: Language; organization?: string; regionalOrganizationKey?: string }> = {
  participant: { role: 'participant', category: 'civil_society', country: 'KE', language: 'en', organization: 'Nairobi Digital Rights Forum' },
  otherParticipant: { role: 'participant', category: 'research', country: 'FR', language: 'fr', organization: 'Institut de recherche numérique' },
  moderator: { role: 'moderator', category: 'other', country: 'CH', language: 'en', organization: 'Concord Secretariat' },
  viewer: { role: 'regional_viewer', category: 'regional_body', country: 'ET', language: 'fr', organization: 'African Union Commission', regionalOrganizationKey: 'au' },
  otherViewer: { role: 'regional_viewer', category: 'regional_body', country: 'BE', language: 'en', organization: 'European Union', regionalOrganizationKey: 'eu' },
  admin: { role: 'admin', category: 'other', country: 'CH', language: 'en', organization: 'Concord Secretariat' },
}

const DISPLAY_NAMES: Record<Account, string> = {
  participant: 'Achieng Otieno',
  otherParticipant: 'Bernard Lefèvre',
  moderator: 'Moderation Desk',
  viewer: 'AU Cyber Desk',
  otherViewer: 'EU Cyber Desk',
  admin: 'Platform Administrator',
}

/** The demo authors whose comments the scenario uses: a campaign of five and four others in four languages. */
const AUTHORS = ['p01', 'p02', 'p04', 'p07', 'p08', 'p18', 'p19', 'p22', 'p24']

export async function seedScenario(db: Db, options: { tag?: string; now?: Date } = {}): Promise<Scenario> {
  const tag = options.tag ?? randomUUID().slice(0, 8)
  const now = options.now ?? new Date()
  const norm = readContent<NormContent>('norm.json')
  const people = readContent<Person[]>('people.json')
  const demoComments = readContent<DemoComment[]>('comments.json').filter((comment) => AUTHORS.includes(comment.author))

  const users = {} as Scenario['users']
  for (const account of ACCOUNTS) {
    const profile = ACCOUNT_PROFILES[account]
    const email = `${account.replace(/[A-Z]/g, (c) => `.${c.toLowerCase()}`)}.${tag}@example.org`
    const displayName = `${DISPLAY_NAMES[account]} ${tag}`
    const created = await createUser(db, {
      email,
      password: SCENARIO_PASSWORD,
      displayName,
      organization: profile.organization,
      category: profile.category,
      country: profile.country,
      language: profile.language,
      role: profile.role,
      regionalOrganizationKey: profile.regionalOrganizationKey ?? null,
    })
    if (!created.ok) throw new Error(`scenario ${account}: ${JSON.stringify(created.errors)}`)
    users[account] = { id: created.userId, email, displayName }
  }
  const authors = new Map<string, string>()
  for (const person of people.filter((candidate) => AUTHORS.includes(candidate.id))) {
    const created = await createUser(db, {
      email: person.email.replace('@', `.${tag}@`),
      password: SCENARIO_PASSWORD,
      displayName: `${person.displayName} ${tag}`,
      organization: person.organization,
      category: person.category,
      country: person.country,
      language: person.language,
    })
    if (!created.ok) throw new Error(`scenario ${person.id}: ${JSON.stringify(created.errors)}`)
    authors.set(person.id, created.userId)
  }
  const moderatorId = users.moderator.id

  const firstVersion = createNorm(
    db,
    {
      sourceLanguage: norm.sourceLanguage,
      title: `${norm.title.en} (${tag})`,
      preamble: norm.preamble.en,
      clauses: norm.clauses.map((clause) => ({ label: clause.label, heading: clause.heading?.en ?? null, text: clause.text.en })),
    },
    moderatorId,
  )
  translateVersion(db, firstVersion, norm, moderatorId)
  const questions = norm.guidingQuestions.map((question) => ({
    text: question.en,
    translations: Object.fromEntries(SUPPORTED_LANGUAGES.filter((l) => l !== 'en').map((l) => [l, question[l]])),
  }))
  const everyone: StakeholderCategory[] = ['tech_firm', 'research', 'civil_society', 'regional_body', 'government', 'other']
  const first = createRound(
    db,
    {
      versionId: firstVersion,
      title: `First reading ${tag}`,
      titleTranslations: { ar: `القراءة الأولى ${tag}`, es: `Primera lectura ${tag}`, fr: `Première lecture ${tag}`, ru: `Первое чтение ${tag}`, zh: `一读 ${tag}` },
      opensAt: new Date(now.getTime() - 75 * DAY),
      closesAt: new Date(now.getTime() - 30 * DAY),
      timeZone: 'Europe/Zurich',
      eligibleCategories: everyone,
      questions,
    },
    moderatorId,
  )
  if (!first.ok) throw new Error(first.error)

  const secondVersion = createVersionFrom(db, firstVersion, moderatorId)!
  updateDraft(db, secondVersion, {
    sourceLanguage: 'en',
    title: `${norm.title.en} (${tag})`,
    preamble: norm.preamble.en,
    clauses: norm.clauses.map((clause) => ({
      label: clause.label,
      heading: clause.heading?.en ?? null,
      text: clause.label === '2.a' ? `${clause.text.en} Early warnings carry no liability for findings made in good faith.` : clause.text.en,
    })),
  })
  const second = createRound(
    db,
    {
      versionId: secondVersion,
      title: `Second reading ${tag}`,
      titleTranslations: { ar: `القراءة الثانية ${tag}`, es: `Segunda lectura ${tag}`, fr: `Deuxième lecture ${tag}`, ru: `Второе чтение ${tag}`, zh: `二读 ${tag}` },
      opensAt: new Date(now.getTime() - 10 * DAY),
      closesAt: new Date(now.getTime() + 35 * DAY),
      timeZone: 'Africa/Nairobi',
      eligibleCategories: everyone,
      questions,
    },
    moderatorId,
  )
  if (!second.ok) throw new Error(second.error)
  const draftVersion = createVersionFrom(db, secondVersion, moderatorId)!

  const clauseIds = (versionId: number) =>
    new Map(
      db
        .select({ id: clauses.id, label: clauses.label })
        .from(clauses)
        .where(eq(clauses.versionId, versionId))
        .all()
        .map((clause) => [clause.label, clause.id]),
    )
  const rounds = [
    { id: first.roundId, clauses: clauseIds(firstVersion), start: now.getTime() - 74 * DAY, span: 40 * DAY },
    { id: second.roundId, clauses: clauseIds(secondVersion), start: now.getTime() - 9 * DAY, span: 9 * DAY - 60_000 },
  ]
  const campaign = (comment: DemoComment) => comment.clause === '5' && comment.language === 'en' && comment.position === 'oppose'
  const reviewed = new Map<number, string[]>()
  demoComments.forEach((comment, index) => {
    const round = rounds[index % 3 === 2 && !campaign(comment) ? 1 : 0]!
    const saved = saveComment(db, {
      roundId: round.id,
      userId: authors.get(comment.author)!,
      now: new Date(round.start + Math.floor((round.span * index) / demoComments.length)),
      input: {
        intent: 'submit',
        clause: comment.clause === null ? 'whole' : String(round.clauses.get(comment.clause)),
        position: comment.position,
        text: comment.text,
        proposedText: comment.proposedText ?? undefined,
        concerns: comment.concerns,
        consent: comment.consent,
        language: comment.language,
      },
    })
    if (!saved.ok) throw new Error(`scenario comment ${index}: ${saved.error}`)
    if (round.id === first.roundId) reviewed.set(saved.commentId, comment.concerns)
  })
  const confirmed = confirmConcerns(db, { roundId: first.roundId, keysByComment: reviewed, actorId: moderatorId, now: new Date(now.getTime() - 29 * DAY) })
  if (!confirmed.ok) throw new Error(`scenario review: ${confirmed.error}`)
  publishSummary(db, { roundId: first.roundId, actorId: moderatorId, now: new Date(now.getTime() - 28 * DAY) })

  const secrets = {
    draft: `Participant A’s unsent draft ${tag}: only A may read this sentence.`,
    hidden: `Participant A’s remark ${tag} that a moderator hid from the public.`,
    hiddenNote: `A moderator’s note ${tag} to the author on why it was hidden.`,
  }
  const clause = rounds[1]!.clauses.get('2.a')!
  const own = (text: string, intent: 'submit' | 'draft', clauseKey: string) => {
    const saved = saveComment(db, {
      roundId: second.roundId,
      userId: users.participant.id,
      input: { intent, clause: clauseKey, position: 'amend', text, concerns: [], consent: 'named', language: 'en' },
    })
    if (!saved.ok) throw new Error(`scenario comment: ${saved.error}`)
    return saved.commentId
  }
  const submitted = own(`Participant A ${tag} thinks that 72 hours is too short for an early warning from a small operator.`, 'submit', String(clause))
  const draft = own(secrets.draft, 'draft', 'whole')
  const hidden = own(secrets.hidden, 'submit', 'whole')
  const hid = hideComment(db, { roundId: second.roundId, commentId: hidden, actorId: moderatorId, reason: 'off_topic', note: secrets.hiddenNote })
  if (!hid.ok) throw new Error(`scenario hide: ${hid.error}`)

  const { duplicateGroups } = await import('#db/schema/index')
  const group = db
    .select({ id: duplicateGroups.id })
    .from(duplicateGroups)
    .where(and(eq(duplicateGroups.roundId, first.roundId)))
    .get()
  if (!group) throw new Error('scenario: the campaign made no duplicate group')

  return {
    tag,
    closedRound: first.roundId,
    openRound: second.roundId,
    openVersion: secondVersion,
    draftVersion,
    submitted,
    draft,
    hidden,
    clause,
    group: group.id,
    concernKey: listConcerns(db, second.roundId)[0]!.key,
    users,
    secrets,
  }
}
