import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { asc, eq } from 'drizzle-orm'
import { auditLog, commentConcerns, concerns } from '#db/schema/index'
import { createNorm } from '~/modules/norms/norms.server'
import { createRound } from '~/modules/rounds/rounds.server'
import { db } from '~/utils/db.server'
import { main } from './main'

/**
 * `concord concerns set`, run in-process against the run's shared database (DATABASE_PATH, set by
 * the global setup); each test makes the round it looks at.
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

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-concerns-cli-'))
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

function file(name: string, content: unknown) {
  const target = path.join(dir, name)
  fs.writeFileSync(target, typeof content === 'string' ? content : JSON.stringify(content, null, 2))
  return target
}

function newRound() {
  const versionId = createNorm(db, { sourceLanguage: 'en', title: 'N', preamble: '', clauses: [{ label: '1', heading: null, text: 'x' }] }, null)
  const round = createRound(
    db,
    { versionId, title: 'R', opensAt: new Date(Date.now() - 1000), closesAt: new Date(Date.now() + 3_600_000), eligibleCategories: ['research'] },
    null,
  )
  if (!round.ok) throw new Error('round')
  return round.roundId
}

function taxonomy(roundId: number) {
  return db
    .select({ key: concerns.key, labels: concerns.labels, keywords: concerns.keywords, sortOrder: concerns.sortOrder })
    .from(concerns)
    .where(eq(concerns.roundId, roundId))
    .orderBy(asc(concerns.sortOrder), asc(concerns.id))
    .all()
}

const auditCount = () => db.select({ id: auditLog.id }).from(auditLog).all().length

const GOOD = {
  concerns: [
    {
      key: 'privacy',
      labels: { en: 'Privacy and data protection', fr: 'Vie privée et protection des données' },
      keywords: { en: ['privacy', 'personal data'], fr: ['vie privée', 'données personnelles'] },
    },
    { key: 'gender', labels: { en: 'Gender equality', es: 'Igualdad de género' } },
  ],
}

describe('concord concerns set', () => {
  it('sets the taxonomy of a round from a good file, in file order, audited', async () => {
    const roundId = newRound()
    const result = await run('concerns', 'set', '--round', String(roundId), file('good.json', GOOD))
    expect(result).toMatchObject({ code: 0, stderr: '' })
    expect(result.stdout).toBe(`Round ${roundId}: 1 added, 1 updated, 9 removed, 0 unchanged.\n`)
    expect(taxonomy(roundId)).toEqual([
      {
        key: 'privacy',
        labels: { en: 'Privacy and data protection', fr: 'Vie privée et protection des données' },
        keywords: { en: ['privacy', 'personal data'], fr: ['vie privée', 'données personnelles'] },
        sortOrder: 0,
      },
      { key: 'gender', labels: { en: 'Gender equality', es: 'Igualdad de género' }, keywords: {}, sortOrder: 1 },
    ])
    const entry = db.select().from(auditLog).orderBy(asc(auditLog.id)).all().at(-1)!
    expect(entry).toMatchObject({ action: 'taxonomy.set', roundId, subjectType: 'round', actorId: null })

    // The same file again changes nothing and writes no audit entry.
    const entries = auditCount()
    const again = await run('concerns', 'set', '--round', String(roundId), file('good.json', GOOD))
    expect(again.stdout).toBe(`Round ${roundId}: 0 added, 0 updated, 0 removed, 2 unchanged.\n`)
    expect(auditCount()).toBe(entries)
  })

  it('exits 1 on a bad file, naming each JSON path, and changes nothing', async () => {
    const roundId = newRound()
    const before = taxonomy(roundId)
    const entries = auditCount()
    const bad = file('bad.json', {
      concerns: [
        { key: 'Privacy!', labels: { en: 'Privacy' } },
        { key: 'ok', labels: { fr: 'Seulement en français' } },
        { key: 'words', labels: { en: 'Words' }, keywords: { en: 'privacy' } },
      ],
    })
    const result = await run('concerns', 'set', '--round', String(roundId), bad)
    expect(result.code).toBe(1)
    expect(result.stdout).toBe('')
    expect(result.stderr).toContain(`${bad} is not a valid concern taxonomy:`)
    expect(result.stderr).toContain('concerns[0].key: A key may contain only lower-case letters a–z, digits, hyphens and underscores.')
    expect(result.stderr).toContain('concerns[1].labels.en: Give the label in English.')
    expect(result.stderr).toContain('concerns[2].keywords.en: Give the keywords as a list of texts.')
    expect(taxonomy(roundId)).toEqual(before)
    expect(auditCount()).toBe(entries)
  })

  it('exits 1 on invalid JSON, a missing file, an unknown round and a bad round id, changing nothing', async () => {
    const roundId = newRound()
    const before = taxonomy(roundId)
    const entries = auditCount()
    const broken = await run('concerns', 'set', '--round', String(roundId), file('broken.json', '{ "concerns": [ { "key": "privacy", } ] }'))
    expect(broken.code).toBe(1)
    expect(broken.stderr).toMatch(/broken\.json is not valid JSON: /)
    const missing = await run('concerns', 'set', '--round', String(roundId), path.join(dir, 'nowhere.json'))
    expect(missing.code).toBe(1)
    expect(missing.stderr).toMatch(/cannot read .*nowhere\.json/)
    const unknown = await run('concerns', 'set', '--round', '999999', file('good2.json', GOOD))
    expect(unknown).toMatchObject({ code: 1, stderr: 'concord: There is no round 999999.\n' })
    const badId = await run('concerns', 'set', '--round', 'first', file('good3.json', GOOD))
    expect(badId).toMatchObject({ code: 1, stderr: 'concord: option --round: “first” is not the id of a round (a whole number such as 3).\n' })
    const empty = await run('concerns', 'set', '--round', String(roundId), file('empty.json', { concerns: [] }))
    expect(empty.code).toBe(1)
    expect(empty.stderr).toContain('concerns: Give at least one concern.')
    expect(taxonomy(roundId)).toEqual(before)
    expect(auditCount()).toBe(entries)
  })

  it('refuses to remove a concern that comments carry, saying which, and changes nothing', async () => {
    const roundId = newRound()
    const before = taxonomy(roundId)
    // A concern of the round in use by a comment of the round: the default taxonomy's "feasibility".
    const { createUser } = await import('~/modules/accounts/accounts.server')
    const { saveComment } = await import('~/modules/comments/comments.server')
    const user = await createUser(db, {
      email: `cli-${roundId}@example.org`,
      password: 'a long enough password',
      displayName: 'Cli',
      category: 'research',
      country: 'SG',
      language: 'en',
    })
    if (!user.ok) throw new Error('user')
    const saved = saveComment(db, {
      roundId,
      userId: user.userId,
      input: { intent: 'submit', clause: 'whole', position: 'amend', text: 'Too hard to implement.', concerns: ['feasibility'], consent: 'anonymous' },
    })
    if (!saved.ok) throw new Error(saved.error)
    const labelsBefore = db.select().from(commentConcerns).where(eq(commentConcerns.commentId, saved.commentId)).all()
    const auditsBefore = auditCount()
    const result = await run('concerns', 'set', '--round', String(roundId), '--force', file('small.json', GOOD))
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('feasibility: 0 confirmed by moderators, 1 chosen by authors')
    expect(taxonomy(roundId)).toEqual(before)
    expect(db.select().from(commentConcerns).where(eq(commentConcerns.commentId, saved.commentId)).all()).toEqual(labelsBefore)
    expect(auditCount()).toBe(auditsBefore)
  })
})
