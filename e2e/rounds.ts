import { type BrowserContext, type Page, type Response } from '@playwright/test'
import { and, asc, eq } from 'drizzle-orm'
import { commentRevisions, comments, rounds, type StakeholderCategory } from '#db/schema/index'
import { STAKEHOLDER_CATEGORIES } from '#db/schema/accounts'
import { type Language } from '~/modules/i18n/i18n'
import { createNorm, getVersionForEditing, saveVersionTranslation } from '~/modules/norms/norms.server'
import { createRound } from '~/modules/rounds/rounds.server'
import { type Db } from '~/utils/db.server'

/**
 * Consultations for the end-to-end specs, set up straight in the e2e database through the domain
 * functions the moderators' pages use: a three-clause draft in English, its first two clauses
 * translated into Arabic and Chinese (the third is left untranslated), and a round on it.
 */
export const CLAUSES = [
  {
    label: '1',
    heading: 'Critical infrastructure',
    text: 'States should not conduct or knowingly support activity that intentionally damages critical infrastructure providing services to the public.',
    ar: 'ينبغي ألا تجري الدول أو تدعم عن علم أي نشاط يُلحق ضرراً متعمداً بالبنية التحتية الحيوية التي تقدم خدمات للجمهور.',
    zh: '各国不应开展或故意支持蓄意损害向公众提供服务的关键基础设施的活动。',
  },
  {
    label: '2',
    heading: null,
    text: 'States should respond to appropriate requests for assistance by another State whose critical infrastructure is subject to malicious activity.',
    ar: 'ينبغي للدول أن تستجيب للطلبات المناسبة للمساعدة المقدمة من دولة أخرى تتعرض بنيتها التحتية الحيوية لنشاط خبيث.',
    zh: '各国应回应关键基础设施遭受恶意活动的另一国提出的适当援助请求。',
  },
  {
    label: '3',
    heading: 'Vulnerabilities',
    text: 'States should encourage responsible reporting of vulnerabilities and share remedies to limit threats to information technology.',
    ar: null,
    zh: null,
  },
] as const

const HOUR = 60 * 60 * 1000

export type TestRound = { roundId: number; versionId: number; clauseIds: number[]; title: string }

/** A draft with its translations and a round on it, open from an hour ago for a week unless told. */
export function openRound(
  database: Db,
  options: { title?: string; opensAt?: Date; closesAt?: Date; eligibleCategories?: StakeholderCategory[] } = {},
): TestRound {
  const suffix = Math.random().toString(36).slice(2, 8)
  const versionId = createNorm(
    database,
    {
      title: `Draft norms on critical infrastructure ${suffix}`,
      preamble: 'Recalling the reports of the Groups of Governmental Experts,',
      sourceLanguage: 'en',
      clauses: CLAUSES.map(({ label, heading, text }) => ({ label, heading, text })),
    },
    null,
  )
  const clauseIds = getVersionForEditing(database, versionId)!.clauses.map((clause) => clause.id)
  for (const language of ['ar', 'zh'] as const) {
    const saved = saveVersionTranslation(
      database,
      {
        versionId,
        language,
        clauses: CLAUSES.flatMap((clause, index) => (clause[language] ? [{ id: clauseIds[index]!, text: clause[language] }] : [])),
      },
      null,
    )
    if (!saved.ok) throw new Error(`e2e: could not translate the draft: ${saved.error}`)
  }
  const now = Date.now()
  const title = options.title ?? `Second reading ${suffix}`
  const created = createRound(
    database,
    {
      versionId,
      title,
      opensAt: options.opensAt ?? new Date(now - HOUR),
      closesAt: options.closesAt ?? new Date(now + 7 * 24 * HOUR),
      timeZone: 'Africa/Nairobi',
      eligibleCategories: options.eligibleCategories ?? [...STAKEHOLDER_CATEGORIES],
      questions: [{ text: 'Which clause needs the most work?' }],
    },
    null,
  )
  if (!created.ok) throw new Error(`e2e: could not create a round: ${created.error}`)
  return { roundId: created.roundId, versionId, clauseIds, title }
}

/** Moves a round's closing time (and, if needed, its opening) to the given instant. */
export function closeRoundAt(database: Db, roundId: number, closesAt: Date) {
  database.update(rounds).set({ closesAt }).where(eq(rounds.id, roundId)).run()
}

/** The reader's language as the log-in and the language switcher set it (the `lng` cookie). */
export async function readIn(context: BrowserContext, language: Language, baseURL: string | undefined) {
  const value = encodeURIComponent(Buffer.from(JSON.stringify(language)).toString('base64'))
  await context.addCookies([
    { name: 'lng', value, domain: new URL(baseURL ?? 'http://localhost').hostname, path: '/', httpOnly: true, secure: true, sameSite: 'Lax' },
  ])
}

export function commentsBy(database: Db, userId: string, roundId?: number) {
  return database
    .select()
    .from(comments)
    .where(roundId === undefined ? eq(comments.authorId, userId) : and(eq(comments.authorId, userId), eq(comments.roundId, roundId)))
    .orderBy(asc(comments.id))
    .all()
}

export function revisionsOf(database: Db, commentId: number) {
  return database
    .select()
    .from(commentRevisions)
    .where(eq(commentRevisions.commentId, commentId))
    .orderBy(asc(commentRevisions.revision))
    .all()
}

/** The document response of the next POST to a path: a native submission (JavaScript off) or Remix's fetch. */
export function nextPost(page: Page, pathname: string) {
  return page.waitForResponse((response: Response) => {
    const url = new URL(response.url())
    return response.request().method() === 'POST' && url.pathname.replace(/\.data$/, '') === pathname
  })
}
