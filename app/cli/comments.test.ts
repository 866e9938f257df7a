import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { eq } from 'drizzle-orm'
import { comments } from '#db/schema/index'
import { IMPORT_COLUMNS } from '~/modules/comments/transfer.server'
import { createNorm } from '~/modules/norms/norms.server'
import { createRound } from '~/modules/rounds/rounds.server'
import { db } from '~/utils/db.server'
import { main } from './main'

/**
 * `concord comments import|export`, run in-process against the run's shared database, as
 * cli.test.ts runs the other commands.
 *
 * The comments are real ones from a Polis conversation on Brexit (../shared/corpus/
 * en-brexit-consensus-comments.csv, comments 44, 47 and 46). "Data was gathered using the Polis
 * software (compdemocracy.org/polis) and is sub-licensed under CC BY 4.0 with Attribution to The
 * Computational Democracy Project." (repository compdemocracy/openData)
 */
const TEXTS = [
  'A second referendum would be pointless as it would be run on the same lines as the first and majority of people will be no better informed.',
  'EU may be unreformable, but principles of solidarity btw nations, FoM, common workers rights are so important we should try to salvage it',
  'A binary out/in vote where an ill-defined wishlist of lies & fantasies ran against a real flawed product of compromise was an awful idea',
]

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

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-comments-cli-'))
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

function file(name: string, text: string | Buffer) {
  const target = path.join(dir, name)
  fs.writeFileSync(target, text)
  return target
}

const quote = (value: string) => (/[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value)
function csv(rows: Record<string, string>[]) {
  return [IMPORT_COLUMNS.join(','), ...rows.map((row) => IMPORT_COLUMNS.map((column) => quote(row[column] ?? '')).join(','))].join('\n') + '\n'
}

function newRound() {
  const versionId = createNorm(
    db,
    { sourceLanguage: 'en', title: 'Norms', preamble: '', clauses: [{ label: '1', heading: null, text: 'States should cooperate.' }] },
    null,
  )
  const round = createRound(
    db,
    { versionId, title: 'Round', opensAt: new Date(Date.now() - 1000), closesAt: new Date(Date.now() + 86_400_000), eligibleCategories: ['research'] },
    null,
  )
  if (!round.ok) throw new Error(round.error)
  return round.roundId
}

const count = (roundId: number) => db.select({ id: comments.id }).from(comments).where(eq(comments.roundId, roundId)).all().length

describe('concord comments import', () => {
  it('imports a good file, reports progress on standard error and a summary on standard output', async () => {
    const roundId = newRound()
    const good = file(
      'good.csv',
      csv(TEXTS.map((text, index) => ({ external_id: `p${index}`, clause: index ? '1' : '', stakeholder_category: 'research', text, concerns: index === 0 ? 'feasibility' : '' }))),
    )
    const result = await run('comments', 'import', '--round', String(roundId), good)
    expect(result.code).toBe(0)
    expect(result.stdout).toContain(`imported 3 comments into round ${roundId}`)
    expect(result.stdout).toContain('1 with concerns confirmed by the file')
    expect(result.stderr).toContain('saving 3 of 3 rows (100%)')
    expect(count(roundId)).toBe(3)
  })

  it('exits 1 naming each bad row as "line N: field: reason", and imports nothing', async () => {
    const roundId = newRound()
    const bad = file(
      'bad.csv',
      csv([
        { stakeholder_category: 'research', text: TEXTS[0]! },
        { stakeholder_category: 'astronauts', text: TEXTS[1]! },
        { stakeholder_category: 'research', clause: '7', text: TEXTS[2]! },
      ]),
    )
    const result = await run('comments', 'import', '--round', String(roundId), bad)
    expect(result.code).toBe(1)
    expect(result.stdout).toBe('')
    expect(result.stderr).toBe(
      [
        `concord: ${bad} was not imported (2 problems; nothing was stored):`,
        'line 3: stakeholder_category: Unknown stakeholder category astronauts. Use tech_firm, research, civil_society, regional_body, government or other.',
        'line 4: clause: The draft of this round has no clause 7.',
        '',
      ].join('\n'),
    )
    expect(count(roundId)).toBe(0)
  })

  it('names at most 100 bad rows, then counts the rest', async () => {
    const roundId = newRound()
    const rows = Array.from({ length: 130 }, (_, index) => ({ stakeholder_category: 'research', country: 'ZZ', text: `Comment ${index}` }))
    const result = await run('comments', 'import', '--round', String(roundId), file('many.csv', csv(rows)))
    expect(result.code).toBe(1)
    const lines = result.stderr.trimEnd().split('\n')
    expect(lines[0]).toContain('(130 problems; nothing was stored)')
    expect(lines.filter((line) => /^line \d+: country: Unknown country ZZ/.test(line))).toHaveLength(100)
    expect(lines[lines.length - 1]).toBe('and 30 more')
  })

  it('exits 1 on a wrong header, invalid UTF-8, a missing file, an unknown round or format', async () => {
    const roundId = newRound()
    const header = await run('comments', 'import', '--round', String(roundId), file('header.csv', 'text,category\nHello,research\n'))
    expect(header.code).toBe(1)
    expect(header.stderr).toContain('line 1: The header row does not match the comment file format. Unknown columns: category.')
    const latin1 = Buffer.concat([Buffer.from(csv([{ stakeholder_category: 'research', text: 'Caf' }]).trimEnd()), Buffer.from([0xe9, 0x0a])])
    const encoding = await run('comments', 'import', '--round', String(roundId), file('latin1.csv', latin1))
    expect(encoding.stderr).toContain('line 2: This line is not UTF-8 text.')
    const missing = await run('comments', 'import', '--round', String(roundId), path.join(dir, 'nowhere.csv'))
    expect(missing).toMatchObject({ code: 1, stderr: `concord: cannot read ${path.join(dir, 'nowhere.csv')}\n` })
    const round = await run('comments', 'import', '--round', '999999', file('r.csv', csv([{ stakeholder_category: 'research', text: 'x' }])))
    expect(round).toMatchObject({ code: 1, stderr: 'concord: option --round: there is no round 999999\n' })
    const format = await run('comments', 'import', '--round', String(roundId), file('comments.txt', 'hello'))
    expect(format.stderr).toContain('cannot tell the format')
    const option = await run('comments', 'import', '--round', 'abc', file('x.csv', 'x'))
    expect(option.stderr).toBe('concord: option --round: give the id of a round, such as 3\n')
    expect(count(roundId)).toBe(0)
  })
})

describe('concord comments export', () => {
  it('writes CSV to a file and JSON Lines to standard output', async () => {
    const roundId = newRound()
    await run('comments', 'import', '--round', String(roundId), file('export-source.jsonl', TEXTS.map((text) => JSON.stringify({ stakeholder_category: 'research', text })).join('\n')))
    const target = path.join(dir, 'out.csv')
    const toFile = await run('comments', 'export', '--round', String(roundId), '--format', 'csv', '--out', target)
    expect(toFile).toMatchObject({ code: 0, stdout: '', stderr: `exported 3 comments to ${target}\n` })
    const written = fs.readFileSync(target, 'utf8')
    expect(written.startsWith('\uFEFFid,receipt,external_id,clause,stakeholder_category')).toBe(true)
    expect(written).toContain(TEXTS[0])

    const toStdout = await run('comments', 'export', '--round', String(roundId), '--format', 'jsonl')
    expect(toStdout.code).toBe(0)
    const objects = toStdout.stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, string>)
    expect(objects.map((object) => object.text)).toEqual(TEXTS)
    expect(toStdout.stderr).toBe('exported 3 comments\n')

    const badFormat = await run('comments', 'export', '--round', String(roundId), '--format', 'xlsx')
    expect(badFormat).toMatchObject({ code: 1, stderr: 'concord: option --format: use csv or jsonl\n' })
  })
})
