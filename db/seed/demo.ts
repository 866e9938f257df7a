/**
 * The demo consultation: a draft norm of our own in six languages, a closed first reading and an
 * open second reading, participants from every stakeholder category and continent, staff accounts,
 * and comments in the six languages and others (db/seed/content/*.json). Seeds only an empty database.
 */
import fs from 'node:fs'
import path from 'node:path'
import { eq, sql } from 'drizzle-orm'
import { clauses, normVersions, users } from '#db/schema/index'
import type { Consent, Position, Role, StakeholderCategory } from '#db/schema/index'
import { createUser } from '~/modules/accounts/accounts.server'
import { saveComment } from '~/modules/comments/comments.server'
import { confirmConcerns } from '~/modules/concerns/concerns.server'
import { SUPPORTED_LANGUAGES, type Language } from '~/modules/i18n/i18n'
import {
  createNorm,
  createVersionFrom,
  setClauseTranslation,
  setVersionTranslation,
  updateDraft,
} from '~/modules/norms/norms.server'
import { createRound } from '~/modules/rounds/rounds.server'
import type { Db } from '~/utils/db.server'
import { projectRoot } from '~/utils/paths.server'

type Translated = Record<Language, string>
export type NormContent = {
  sourceLanguage: 'en'
  title: Translated
  preamble: Translated
  clauses: { label: string; heading: Translated | null; text: Translated }[]
  guidingQuestions: Translated[]
}
export type Person = {
  id: string
  displayName: string
  email: string
  organization: string
  category: StakeholderCategory
  country: string
  language: Language
}
export type DemoComment = {
  author: string
  clause: string | null
  position: Position
  language: string
  text: string
  proposedText: string | null
  concerns: string[]
  consent: Consent
}

export const DEMO_PASSWORD = 'concord-demo-2026'

export const DEMO_STAFF: { email: string; displayName: string; role: Role; regionalOrganizationKey?: string; country: string; language: Language }[] = [
  { email: 'admin@example.org', displayName: 'Concord Administrator', role: 'admin', country: 'CH', language: 'en' },
  { email: 'moderator@example.org', displayName: 'Moderation Team', role: 'moderator', country: 'CH', language: 'en' },
  {
    email: 'au.viewer@example.org',
    displayName: 'African Union Cyber Desk',
    role: 'regional_viewer',
    regionalOrganizationKey: 'au',
    country: 'ET',
    language: 'fr',
  },
]

export function readContent<T>(file: string): T {
  return JSON.parse(fs.readFileSync(path.join(projectRoot, 'db', 'seed', 'content', file), 'utf8')) as T
}

export function isEmpty(db: Db) {
  return db.select({ n: sql<number>`count(*)` }).from(users).get()!.n === 0
}

const DAY = 24 * 60 * 60 * 1000

/** Seeds the demo into an empty database; returns false and changes nothing otherwise. */
export async function seedDemo(db: Db, now = new Date()) {
  if (!isEmpty(db)) return false
  const norm = readContent<NormContent>('norm.json')
  const people = readContent<Person[]>('people.json')
  const demoComments = readContent<DemoComment[]>('comments.json')

  const staffIds: Record<string, string> = {}
  for (const staff of DEMO_STAFF) {
    const created = await createUser(db, {
      email: staff.email,
      password: DEMO_PASSWORD,
      displayName: staff.displayName,
      organization: staff.role === 'regional_viewer' ? 'African Union Commission' : 'Concord Secretariat',
      category: staff.role === 'regional_viewer' ? 'regional_body' : 'other',
      country: staff.country,
      language: staff.language,
      role: staff.role,
      regionalOrganizationKey: staff.regionalOrganizationKey ?? null,
    })
    if (!created.ok) throw new Error(`demo staff ${staff.email}: ${JSON.stringify(created.errors)}`)
    staffIds[staff.role] = created.userId
  }
  const userIds = new Map<string, string>()
  for (const person of people) {
    const created = await createUser(db, {
      email: person.email,
      password: DEMO_PASSWORD,
      displayName: person.displayName,
      organization: person.organization,
      category: person.category,
      country: person.country,
      language: person.language,
    })
    if (!created.ok) throw new Error(`demo participant ${person.email}: ${JSON.stringify(created.errors)}`)
    userIds.set(person.id, created.userId)
  }
  const moderatorId = staffIds.moderator ?? null

  // First reading: version 1, in English with translations into the other five languages.
  const firstVersion = createNorm(
    db,
    {
      sourceLanguage: norm.sourceLanguage,
      title: norm.title.en,
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
  const first = createRound(
    db,
    {
      versionId: firstVersion,
      title: 'First reading',
      titleTranslations: { ar: 'القراءة الأولى', es: 'Primera lectura', fr: 'Première lecture', ru: 'Первое чтение', zh: '一读' },
      opensAt: new Date(now.getTime() - 75 * DAY),
      closesAt: new Date(now.getTime() - 30 * DAY),
      timeZone: 'Europe/Zurich',
      eligibleCategories: ['tech_firm', 'research', 'civil_society', 'regional_body', 'government', 'other'],
      questions,
    },
    moderatorId,
  )
  if (!first.ok) throw new Error(first.error)

  // Second reading: version 2 softens the incident-notification deadline; that clause awaits translation.
  const secondVersion = createVersionFrom(db, firstVersion, moderatorId)!
  const revised = norm.clauses.map((clause) => ({
    label: clause.label,
    heading: clause.heading?.en ?? null,
    text:
      clause.label === '2.a'
        ? 'Operators of critical infrastructure should give competent authorities an early warning of a significant incident without undue delay and, where feasible, within 72 hours of becoming aware of it, followed by a full report once the facts are established. Early warnings should carry no liability for preliminary findings made in good faith.'
        : clause.text.en,
  }))
  updateDraft(db, secondVersion, {
    sourceLanguage: 'en',
    title: norm.title.en,
    preamble: norm.preamble.en,
    clauses: revised,
  })
  const second = createRound(
    db,
    {
      versionId: secondVersion,
      title: 'Second reading',
      titleTranslations: { ar: 'القراءة الثانية', es: 'Segunda lectura', fr: 'Deuxième lecture', ru: 'Второе чтение', zh: '二读' },
      opensAt: new Date(now.getTime() - 10 * DAY),
      closesAt: new Date(now.getTime() + 35 * DAY),
      timeZone: 'Africa/Nairobi',
      eligibleCategories: ['tech_firm', 'research', 'civil_society', 'regional_body', 'government', 'other'],
      questions,
    },
    moderatorId,
  )
  if (!second.ok) throw new Error(second.error)

  // Two thirds of the comments went to the first reading; the rest arrive in the open round. The
  // campaign against clause 5 (near-identical English texts) ran during the first reading.
  const campaign = (comment: DemoComment) => comment.clause === '5' && comment.language === 'en' && comment.position === 'oppose'
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
  const reviewed = new Map<number, string[]>()
  demoComments.forEach((comment, index) => {
    const round = rounds[index % 3 === 2 && !campaign(comment) ? 1 : 0]!
    const userId = userIds.get(comment.author)
    if (!userId) throw new Error(`demo comment by unknown author ${comment.author}`)
    const clauseId = comment.clause === null ? 'whole' : String(round.clauses.get(comment.clause))
    const result = saveComment(db, {
      roundId: round.id,
      userId,
      now: new Date(round.start + Math.floor((round.span * index) / demoComments.length)),
      input: {
        intent: 'submit',
        clause: clauseId,
        position: comment.position,
        text: comment.text,
        proposedText: comment.proposedText ?? undefined,
        concerns: comment.concerns,
        consent: comment.consent,
        language: comment.language,
      },
    })
    if (!result.ok) throw new Error(`demo comment ${index}: ${result.error}`)
    if (round.id === first.roundId) reviewed.set(result.commentId, comment.concerns)
  })
  // The moderators reviewed the first reading: they confirmed the authors' concerns.
  const confirmed = confirmConcerns(db, {
    roundId: first.roundId,
    keysByComment: reviewed,
    actorId: moderatorId!,
    now: new Date(now.getTime() - 29 * DAY),
  })
  if (!confirmed.ok) throw new Error(`demo review: ${confirmed.error}`)
  return true
}

export function translateVersion(db: Db, versionId: number, norm: NormContent, userId: string | null) {
  const ids = new Map(
    db
      .select({ id: clauses.id, label: clauses.label })
      .from(clauses)
      .where(eq(clauses.versionId, versionId))
      .all()
      .map((clause) => [clause.label, clause.id]),
  )
  const version = db.select({ id: normVersions.id }).from(normVersions).where(eq(normVersions.id, versionId)).get()
  if (!version) throw new Error('demo version missing')
  for (const language of SUPPORTED_LANGUAGES) {
    if (language === norm.sourceLanguage) continue
    setVersionTranslation(db, versionId, language, norm.title[language], norm.preamble[language])
    for (const clause of norm.clauses) {
      setClauseTranslation(db, {
        clauseId: ids.get(clause.label)!,
        language,
        heading: clause.heading?.[language] ?? null,
        text: clause.text[language],
        userId,
      })
    }
  }
}
