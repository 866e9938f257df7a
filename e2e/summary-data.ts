/**
 * The consultation the summary spec reads: rounds, participants and comments made straight in the
 * e2e database with Concord's own commands (as the demo seed does), and the figures the spec expects,
 * counted with SQL of its own over the comments table — not with the summary module's queries.
 */
import { randomUUID } from 'node:crypto'
import { eq } from 'drizzle-orm'
import { clauses, type Position, type StakeholderCategory } from '#db/schema/index'
import { signupSchema } from '~/modules/accounts/accounts.schema'
import { createUser } from '~/modules/accounts/accounts.server'
import { saveComment, withdrawComment } from '~/modules/comments/comments.server'
import { type Language } from '~/modules/i18n/i18n'
import { hideComment } from '~/modules/moderation/moderation.server'
import { createNorm, setClauseTranslation, setVersionTranslation } from '~/modules/norms/norms.server'
import { createRound } from '~/modules/rounds/rounds.server'
import type { Db } from '~/utils/db.server'

const DAY = 24 * 60 * 60 * 1000
const POSITIONS: Position[] = ['support', 'amend', 'oppose', 'neutral']

export const CAMPAIGN_TEXT =
  'Withdraw clause 2: blanket data retention by providers would expose journalists, activists and their sources to surveillance.'

type Person = { key: string; category: StakeholderCategory; country: string; language: Language }

/** African Union members (per db/reference.ts) and others, from every stakeholder category. */
const PEOPLE: Person[] = [
  { key: 'sn', category: 'government', country: 'SN', language: 'fr' },
  { key: 'ke', category: 'civil_society', country: 'KE', language: 'en' },
  { key: 'ng', category: 'research', country: 'NG', language: 'en' },
  { key: 'eg', category: 'tech_firm', country: 'EG', language: 'ar' },
  { key: 'et', category: 'regional_body', country: 'ET', language: 'fr' },
  { key: 'fr', category: 'government', country: 'FR', language: 'fr' },
  { key: 'us', category: 'tech_firm', country: 'US', language: 'en' },
  { key: 'de', category: 'research', country: 'DE', language: 'en' },
  { key: 'br', category: 'civil_society', country: 'BR', language: 'es' },
  { key: 'cn', category: 'government', country: 'CN', language: 'zh' },
  { key: 'in', category: 'other', country: 'IN', language: 'en' },
  // The campaign's signatories: the first one is not from a member state.
  { key: 'c1', category: 'civil_society', country: 'DE', language: 'en' },
  { key: 'c2', category: 'civil_society', country: 'KE', language: 'en' },
  { key: 'c3', category: 'civil_society', country: 'US', language: 'en' },
  { key: 'c4', category: 'civil_society', country: 'ZA', language: 'en' },
  { key: 'c5', category: 'civil_society', country: 'GB', language: 'en' },
  { key: 'c6', category: 'civil_society', country: 'GH', language: 'en' },
]

type Said = {
  who: string
  clause: string
  position: Position
  text: string
  language: string
  consent?: 'named' | 'anonymous' | 'private'
  proposedText?: string
  then?: 'hide' | 'withdraw' | 'draft'
}

/** The closed round's comments; `then` leaves some out of every figure. */
const CLOSED: Said[] = [
  { who: 'sn', clause: '1', position: 'support', language: 'fr', text: 'Le Sénégal soutient la coopération entre équipes nationales d’intervention prévue à cet article.' },
  { who: 'ke', clause: '1', position: 'oppose', language: 'en', text: 'Kenyan civil society opposes clause 1: cooperation must not bypass judicial oversight of data sharing.' },
  { who: 'fr', clause: '1', position: 'support', language: 'fr', text: 'La France approuve l’article 1, qui renforce la coopération entre équipes de réponse aux incidents.' },
  {
    who: 'us',
    clause: '1',
    position: 'amend',
    language: 'en',
    text: 'Clause 1 should name the point of contact for each State so that requests are not lost.',
    proposedText: 'States should designate a national point of contact for incident cooperation.',
  },
  { who: 'cn', clause: '1', position: 'support', language: 'zh', text: '我们支持第一条关于各国计算机应急响应小组之间合作的规定。', consent: 'private' },
  { who: 'de', clause: '1', position: 'neutral', language: 'en', text: 'Research on incident response shows mixed results for formal cooperation duties; we take no position.' },
  { who: 'us', clause: '1', position: 'support', language: 'en', text: 'Buy followers and likes cheap at our site, best offers of the week!!!', then: 'hide' },
  ...['c1', 'c2', 'c3', 'c4', 'c5', 'c6'].map((who): Said => ({ who, clause: '2', position: 'oppose', language: 'en', text: CAMPAIGN_TEXT })),
  { who: 'ng', clause: '2', position: 'support', language: 'en', text: 'Nigerian researchers support clause 2 because retention helps investigate ransomware against hospitals.' },
  { who: 'eg', clause: '2', position: 'support', language: 'ar', text: 'نؤيد البند الثاني لأنه يساعد على التحقيق في الهجمات على البنية التحتية الحيوية.' },
  { who: 'br', clause: '2', position: 'oppose', language: 'es', text: 'La sociedad civil brasileña se opone a la conservación generalizada de datos prevista en la cláusula 2.' },
  {
    who: 'in',
    clause: '2',
    position: 'amend',
    language: 'en',
    text: 'Retention periods in clause 2 should be limited and reviewed by an independent authority.',
    proposedText: 'Providers may retain traffic data for no longer than six months, under independent review.',
  },
  { who: 'et', clause: '3', position: 'support', language: 'fr', text: 'L’organisation régionale soutient le renforcement des capacités prévu à l’article 3.' },
  { who: 'sn', clause: '3', position: 'amend', language: 'fr', text: 'Le Sénégal propose de préciser le financement du renforcement des capacités à l’article 3.' },
  { who: 'fr', clause: '3', position: 'support', language: 'fr', text: 'La France soutient l’article 3 sur le renforcement des capacités des États.' },
  { who: 'us', clause: '3', position: 'amend', language: 'en', text: 'Clause 3 should mention the private sector as a partner in capacity building.' },
  { who: 'br', clause: '3', position: 'oppose', language: 'es', text: 'Borrador de observación que nunca se envió sobre la cláusula 3.', then: 'draft' },
  { who: 'in', clause: '3', position: 'support', language: 'en', text: 'We support clause 3 (this comment was later withdrawn by its author).', then: 'withdraw' },
  { who: 'de', clause: 'whole', position: 'support', language: 'en', text: 'Overall the draft is balanced and a good basis for the next reading.' },
]

/** The open round's comments, for the participation tracker. */
const OPEN: Said[] = [
  { who: 'ke', clause: '1', position: 'support', language: 'en', text: 'Kenya civil society now supports the revised cooperation clause.' },
  { who: 'c2', clause: '2', position: 'oppose', language: 'en', text: 'Retention remains a problem for Kenyan journalists in this reading too.' },
  { who: 'ng', clause: '3', position: 'support', language: 'en', text: 'Nigerian researchers welcome capacity building in the second reading.' },
  { who: 'sn', clause: '1', position: 'support', language: 'fr', text: 'Le Sénégal maintient son soutien à l’article 1 en deuxième lecture.' },
  { who: 'et', clause: '2', position: 'neutral', language: 'fr', text: 'Commentaire masqué par les modérateurs : hors sujet.', then: 'hide' },
  { who: 'eg', clause: '3', position: 'support', language: 'ar', text: 'مسودة لم تُرسل بعد.', then: 'draft' },
  { who: 'fr', clause: '1', position: 'support', language: 'fr', text: 'La France soutient toujours l’article 1.' },
]

const NORM = {
  sourceLanguage: 'en',
  title: 'Draft norms on cyber incident cooperation',
  preamble: 'The participating States, recalling their commitments,',
  clauses: [
    { label: '1', heading: 'Cooperation', text: 'States should cooperate through their national incident response teams.' },
    { label: '2', heading: 'Data retention', text: 'Providers should retain traffic data for the investigation of serious incidents.' },
    { label: '3', heading: 'Capacity building', text: 'States should help one another build the capacity to respond to incidents.' },
  ],
}
const NORM_FR = {
  title: 'Projet de normes sur la coopération en cas d’incident informatique',
  preamble: 'Les États participants, rappelant leurs engagements,',
  clauses: [
    { heading: 'Coopération', text: 'Les États devraient coopérer par l’intermédiaire de leurs équipes nationales d’intervention.' },
    { heading: 'Conservation des données', text: 'Les fournisseurs devraient conserver les données de trafic aux fins d’enquête sur les incidents graves.' },
    { heading: 'Renforcement des capacités', text: 'Les États devraient s’aider mutuellement à renforcer leur capacité de réponse aux incidents.' },
  ],
}

function makeVersion(db: Db, moderatorId: string) {
  const versionId = createNorm(db, NORM, moderatorId)
  setVersionTranslation(db, versionId, 'fr', NORM_FR.title, NORM_FR.preamble)
  const ids = db.select({ id: clauses.id, label: clauses.label }).from(clauses).where(eq(clauses.versionId, versionId)).all()
  NORM.clauses.forEach((clause, index) => {
    const id = ids.find((row) => row.label === clause.label)!.id
    setClauseTranslation(db, { clauseId: id, language: 'fr', ...NORM_FR.clauses[index]!, userId: moderatorId })
  })
  return { versionId, clauseIds: new Map(ids.map((row) => [row.label, row.id])) }
}

async function account(db: Db, options: { category: StakeholderCategory; country: string; language: Language; role?: 'participant' | 'moderator' | 'regional_viewer'; regionalOrganizationKey?: string; label: string }) {
  const input = signupSchema.parse({
    email: `e2e-summary-${options.label}-${randomUUID().slice(0, 8)}@example.org`,
    password: `pw-${randomUUID()}`,
    displayName: `Summary ${options.label} ${randomUUID().slice(0, 4)}`,
    category: options.category,
    country: options.country,
    language: options.language,
  })
  const created = await createUser(db, { ...input, role: options.role, regionalOrganizationKey: options.regionalOrganizationKey })
  if (!created.ok) throw new Error(`e2e: could not create ${options.label}: ${JSON.stringify(created.errors)}`)
  return { id: created.userId, email: input.email, password: input.password, displayName: input.displayName, role: options.role ?? 'participant', language: options.language }
}

function say(db: Db, args: { roundId: number; clauseIds: Map<string, number>; userId: string; said: Said; now: Date; moderatorId: string }) {
  const { said } = args
  const result = saveComment(db, {
    roundId: args.roundId,
    userId: args.userId,
    now: args.now,
    input: {
      intent: said.then === 'draft' ? 'draft' : 'submit',
      clause: said.clause === 'whole' ? 'whole' : String(args.clauseIds.get(said.clause)),
      position: said.position,
      text: said.text,
      proposedText: said.proposedText,
      concerns: [],
      consent: said.consent ?? 'named',
      language: said.language,
    },
  })
  if (!result.ok) throw new Error(`e2e: comment "${said.text.slice(0, 30)}": ${result.error}`)
  if (said.then === 'hide') {
    const hidden = hideComment(db, { roundId: args.roundId, commentId: result.commentId, actorId: args.moderatorId, reason: 'spam', now: args.now })
    if (!hidden.ok) throw new Error(`e2e: hide: ${hidden.error}`)
  }
  if (said.then === 'withdraw') {
    const withdrawn = withdrawComment(db, { userId: args.userId, commentId: result.commentId, now: args.now })
    if (!withdrawn.ok) throw new Error(`e2e: withdraw: ${withdrawn.error}`)
  }
}

/** A closed round with comments, an open round with comments, and a closed round with none. */
export async function seedSummaryRounds(db: Db) {
  const tag = randomUUID().slice(0, 6)
  const moderator = await account(db, { category: 'other', country: 'CH', language: 'en', role: 'moderator', label: 'moderator' })
  const viewer = await account(db, { category: 'regional_body', country: 'ET', language: 'fr', role: 'regional_viewer', regionalOrganizationKey: 'au', label: 'au-viewer' })
  const people = new Map<string, string>()
  for (const person of PEOPLE) people.set(person.key, (await account(db, { ...person, label: person.key })).id)

  const now = Date.now()
  const all = ['tech_firm', 'research', 'civil_society', 'regional_body', 'government', 'other'] as StakeholderCategory[]
  const round = (title: string, opensAt: number, closesAt: number, versionId: number) => {
    const created = createRound(
      db,
      {
        versionId,
        title: `${title} ${tag}`,
        titleTranslations: { fr: `${title === 'Closed reading' ? 'Lecture close' : title === 'Open reading' ? 'Lecture ouverte' : 'Lecture sans commentaire'} ${tag}` },
        opensAt: new Date(opensAt),
        closesAt: new Date(closesAt),
        timeZone: 'Africa/Addis_Ababa',
        eligibleCategories: all,
      },
      moderator.id,
    )
    if (!created.ok) throw new Error(`e2e: round: ${created.error}`)
    return created.roundId
  }

  const closedVersion = makeVersion(db, moderator.id)
  const closed = round('Closed reading', now - 40 * DAY, now - 5 * DAY, closedVersion.versionId)
  CLOSED.forEach((said, index) => {
    say(db, { roundId: closed, clauseIds: closedVersion.clauseIds, userId: people.get(said.who)!, said, now: new Date(now - 30 * DAY + index * 60_000), moderatorId: moderator.id })
  })

  const openVersion = makeVersion(db, moderator.id)
  const open = round('Open reading', now - 3 * DAY, now + 30 * DAY, openVersion.versionId)
  for (const said of OPEN) say(db, { roundId: open, clauseIds: openVersion.clauseIds, userId: people.get(said.who)!, said, now: new Date(), moderatorId: moderator.id })

  const emptyVersion = makeVersion(db, moderator.id)
  const empty = round('Silent reading', now - 20 * DAY, now - 2 * DAY, emptyVersion.versionId)

  return { moderator, viewer, rounds: { closed, open, empty } }
}

/* Figures counted independently ---------------------------------------------------------------- */

export type LensSpec = { organization?: string; outside?: boolean; region?: string; category?: string; language?: string }

/** The lens as a condition on the comments aliased `alias`, with its parameters. */
function lensCondition(alias: string, lens: LensSpec) {
  const parts: string[] = []
  const params: string[] = []
  if (lens.organization) {
    const members = `(select country_code from regional_organization_members where organization_key = ?)`
    parts.push(lens.outside ? `(${alias}.country_code is null or ${alias}.country_code not in ${members})` : `${alias}.country_code in ${members}`)
    params.push(lens.organization)
  }
  if (lens.region) {
    parts.push(`${alias}.country_code in (select code from countries where region_code = ?)`)
    params.push(lens.region)
  }
  if (lens.category) {
    parts.push(`${alias}.category = ?`)
    params.push(lens.category)
  }
  if (lens.language) {
    parts.push(`${alias}.declared_language = ?`)
    params.push(lens.language)
  }
  return { sql: parts.length ? parts.map((part) => `and ${part}`).join(' ') : '', params }
}

export type Counts = Record<Position, number> & { total: number; net: number | null }

/**
 * Positions per clause and category, by the summary's rules written our own way: a visible submitted
 * comment counts unless an earlier visible member of the same campaign (seen through the lens) does.
 */
export function countPositions(db: Db, roundId: number, lens: LensSpec = {}) {
  const c = lensCondition('c', lens)
  const e = lensCondition('e', lens)
  const rows = db.$client
    .prepare(
      `select coalesce(cl.label, 'whole') as clause, c.category, c.position, count(*) as n
       from comments c left join clauses cl on cl.id = c.clause_id
       where c.round_id = ? and c.status = 'submitted' and c.moderation = 'visible' ${c.sql}
         and not exists (
           select 1 from comments e join duplicate_groups g on g.id = e.duplicate_group_id and g.is_campaign = 1
           where e.duplicate_group_id = c.duplicate_group_id and e.id < c.id and e.round_id = c.round_id
             and e.status = 'submitted' and e.moderation = 'visible' ${e.sql})
       group by 1, 2, 3`,
    )
    .all(roundId, ...c.params, ...e.params) as { clause: string; category: string; position: Position | null; n: number }[]
  return {
    rows,
    counted: rows.reduce((sum, row) => sum + row.n, 0),
    of(clause: string, category?: string): Counts {
      const counts = { support: 0, amend: 0, oppose: 0, neutral: 0, total: 0, net: null as number | null }
      for (const row of rows) {
        if (row.clause !== clause || (category && row.category !== category) || !row.position) continue
        counts[row.position] += row.n
        counts.total += row.n
      }
      counts.net = counts.total ? (counts.support - counts.oppose) / counts.total : null
      return counts
    },
  }
}

/** Each campaign's signatories seen through the lens. */
export function countSignatories(db: Db, roundId: number, lens: LensSpec = {}) {
  const c = lensCondition('c', lens)
  return (
    db.$client
      .prepare(
        `select c.duplicate_group_id as groupId, count(*) as signatories
         from comments c join duplicate_groups g on g.id = c.duplicate_group_id
         where g.is_campaign = 1 and c.round_id = ? and c.status = 'submitted' and c.moderation = 'visible' ${c.sql}
         group by 1`,
      )
      .all(roundId, ...c.params) as { groupId: number; signatories: number }[]
  ).map((row) => row.signatories)
}

/** Counted comments of an open round from an organization's member countries, by country and category (every comment counts). */
export function countTracker(db: Db, roundId: number, organization: string) {
  const rows = db.$client
    .prepare(
      `select c.country_code as country, c.category, count(*) as n
       from comments c
       where c.round_id = ? and c.status = 'submitted' and c.moderation = 'visible'
         and exists (select 1 from regional_organization_members m where m.organization_key = ? and m.country_code = c.country_code)
       group by 1, 2`,
    )
    .all(roundId, organization) as { country: string; category: string; n: number }[]
  const members = (
    db.$client.prepare('select country_code as code from regional_organization_members where organization_key = ?').all(organization) as { code: string }[]
  ).map((row) => row.code)
  const heard = [...new Set(rows.map((row) => row.country))]
  return { rows, members, heard, unheard: members.filter((code) => !heard.includes(code)) }
}

/** The published versions of a round as stored. */
export function storedSnapshots(db: Db, roundId: number) {
  return db.$client
    .prepare('select number, content_hash as contentHash from summaries where round_id = ? and number is not null order by number')
    .all(roundId) as { number: number; contentHash: string }[]
}

export const POSITION_ORDER = POSITIONS

/** A figure as the page writes it ("+0,50", "−1,00", "1 234", "—") as a number, or null for a dash. */
export function parseFigure(text: string) {
  const clean = text.replace(/[\u2066-\u2069\u200e\u200f\s\u00a0\u202f]/g, '').replace('\u2212', '-').replace(',', '.')
  if (clean === '—' || clean === '') return null
  const value = Number(clean)
  if (Number.isNaN(value)) throw new Error(`e2e: "${text}" is not a figure`)
  return value
}

