import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { eq } from 'drizzle-orm'
import { concerns, guidingQuestions, normVersions, rounds } from '#db/schema/index'
import { getVersionForEditing } from '~/modules/norms/norms.server'
import { db } from '~/utils/db.server'
import { main } from './main'

/**
 * The commands run in-process against the run's shared database (DATABASE_PATH, set by the global
 * setup), which the process-wide client opened; each test makes the rows it looks at.
 */
async function run(...args: string[]) {
  let stdout = ''
  let stderr = ''
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += String(chunk)
    return true
  })
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr += String(chunk)
    return true
  })
  try {
    const code = await main(['node', 'concord', ...args])
    return { code, stdout, stderr }
  } finally {
    out.mockRestore()
    err.mockRestore()
  }
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-cli-'))
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

function file(name: string, text: string) {
  const target = path.join(dir, name)
  fs.writeFileSync(target, text)
  return target
}

const GOOD = `# Norms of responsible behaviour in cyberspace

The States, recalling their commitments,

## Cooperation

1. States should cooperate to increase stability
   and security in the use of ICTs.

2. States should share information on incidents.

2.a) Within 72 hours where feasible.
`

async function importGood(...extra: string[]) {
  const result = await run('norm', 'import', file('good.md', GOOD), ...extra)
  expect(result).toMatchObject({ code: 0, stderr: '' })
  expect(result.stdout).toMatch(/^\d+\n$/)
  return Number(result.stdout.trim())
}

describe('concord norm import', () => {
  it('imports a good draft and prints the new version id', async () => {
    const versionId = await importGood('--lang', 'fr', '--title', 'Normes importées')
    const found = getVersionForEditing(db, versionId)!
    expect(found.version).toMatchObject({ number: 1, title: 'Normes importées', sourceLanguage: 'fr', frozenAt: null })
    expect(found.clauses.map((clause) => [clause.label, clause.heading, clause.text])).toEqual([
      ['1', 'Cooperation', 'States should cooperate to increase stability and security in the use of ICTs.'],
      ['2', null, 'States should share information on incidents.'],
      ['2.a', null, 'Within 72 hours where feasible.'],
    ])
  })

  it('exits 1 on malformed Markdown, naming each line in English, and stores nothing', async () => {
    const before = db.select({ id: normVersions.id }).from(normVersions).all().length
    const bad = file('bad.md', '# T\n\n1. One.\n\n1. Again.\n\nA stray paragraph.\n\n```\ncode\n```\n')
    const result = await run('norm', 'import', bad)
    expect(result.code).toBe(1)
    expect(result.stdout).toBe('')
    expect(result.stderr).toContain(`${bad} is not a valid draft:`)
    expect(result.stderr).toContain('line 5: The number 1 is used again: it was first used on line 3.')
    expect(result.stderr).toContain('line 7: This paragraph comes after the first clause')
    expect(result.stderr).toContain('line 9: Code blocks, tables')
    expect(db.select({ id: normVersions.id }).from(normVersions).all()).toHaveLength(before)
  })

  it('exits 1 on a missing file and on a bad language tag', async () => {
    const missing = await run('norm', 'import', path.join(dir, 'nowhere.md'))
    expect(missing.code).toBe(1)
    expect(missing.stderr).toMatch(/cannot read .*nowhere\.md/)
    const badLanguage = await run('norm', 'import', file('good2.md', GOOD), '--lang', 'not a tag!')
    expect(badLanguage.code).toBe(1)
    expect(badLanguage.stderr).toContain('option --lang: Give a language code such as en or fr.')
  })
})

describe('concord round create', () => {
  it('opens a round on a version, reading local times in the zone, and prints its id', async () => {
    const versionId = await importGood()
    const result = await run(
      'round',
      'create',
      '--version',
      String(versionId),
      '--title',
      'First reading',
      '--opens',
      '2026-07-01T09:00',
      '--closes',
      '2026-12-01T17:00',
      '--time-zone',
      'Europe/Zurich',
      '--categories',
      'government,civil_society',
      '--question',
      'Is clause 2 feasible?',
    )
    expect(result).toMatchObject({ code: 0, stderr: '' })
    const roundId = Number(result.stdout.trim())
    const stored = db.select().from(rounds).where(eq(rounds.id, roundId)).get()!
    expect(stored).toMatchObject({ versionId, title: 'First reading', timeZone: 'Europe/Zurich' })
    expect(stored.opensAt.toISOString()).toBe('2026-07-01T07:00:00.000Z')
    expect(stored.closesAt.toISOString()).toBe('2026-12-01T16:00:00.000Z')
    expect(stored.eligibleCategories).toEqual(['government', 'civil_society'])
    expect(
      db
        .select()
        .from(guidingQuestions)
        .where(eq(guidingQuestions.roundId, roundId))
        .all()
        .map((q) => q.text),
    ).toEqual(['Is clause 2 feasible?'])
    expect(db.select().from(concerns).where(eq(concerns.roundId, roundId)).all()).toHaveLength(10)
    expect(getVersionForEditing(db, versionId)!.version.frozenAt).toBeInstanceOf(Date)
  })

  it('defaults to every category and UTC, and takes absolute instants', async () => {
    const versionId = await importGood()
    const result = await run(
      'round',
      'create',
      '--version',
      String(versionId),
      '--title',
      'R',
      '--opens',
      '2026-07-01T09:00Z',
      '--closes',
      '2026-08-01T09:00+02:00',
    )
    expect(result.code).toBe(0)
    const stored = db
      .select()
      .from(rounds)
      .where(eq(rounds.id, Number(result.stdout)))
      .get()!
    expect(stored.timeZone).toBe('UTC')
    expect(stored.eligibleCategories).toHaveLength(6)
    expect(stored.closesAt.toISOString()).toBe('2026-08-01T07:00:00.000Z')
  })

  it('exits 1 with an English message for bad input, storing nothing', async () => {
    const versionId = await importGood()
    const count = () => db.select({ id: rounds.id }).from(rounds).all().length
    const before = count()
    const base = ['round', 'create', '--version', String(versionId), '--title', 'R']
    const cases: [string[], string][] = [
      [
        ['--opens', '2026-12-01T09:00', '--closes', '2026-11-01T09:00'],
        'option --closes: The closing time must come after the opening time.',
      ],
      [
        ['--opens', 'tomorrow', '--closes', '2026-11-01T09:00'],
        'option --opens: Give a date and time, such as 2026-12-01T09:00.',
      ],
      [
        ['--opens', '2026-10-01T09:00', '--closes', '2026-11-01T09:00', '--time-zone', 'Mars/Base'],
        'option --time-zone: Choose a time zone from the list.',
      ],
      [
        ['--opens', '2026-10-01T09:00', '--closes', '2026-11-01T09:00', '--categories', 'pirates'],
        'option --categories: Choose one of the stakeholder categories.',
      ],
    ]
    for (const [args, message] of cases) {
      const result = await run(...base, ...args)
      expect(result.code, message).toBe(1)
      expect(result.stderr).toBe(`concord: ${message}\n`)
    }
    const unknown = await run(
      'round',
      'create',
      '--version',
      '999999',
      '--title',
      'R',
      '--opens',
      '2026-10-01T09:00Z',
      '--closes',
      '2026-11-01T09:00Z',
    )
    expect(unknown).toMatchObject({ code: 1, stderr: 'concord: option --version: Choose a version of a draft.\n' })
    const missing = await run('round', 'create', '--version', String(versionId))
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain("required option '--title <title>' not specified")
    expect(count()).toBe(before)
  })
})
