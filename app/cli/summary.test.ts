import { randomUUID } from 'node:crypto'
import { eq } from 'drizzle-orm'
import { comments, type Position, type StakeholderCategory } from '#db/schema/index'
import { signupSchema } from '~/modules/accounts/accounts.schema'
import { createUser } from '~/modules/accounts/accounts.server'
import { saveComment } from '~/modules/comments/comments.server'
import { createNorm } from '~/modules/norms/norms.server'
import { createRound } from '~/modules/rounds/rounds.server'
import { buildFigures, proposedAmendments, representativeQuotes } from '~/modules/summaries/figures.server'
import { db } from '~/utils/db.server'
import { main } from './main'
import { markdownTable, type SummaryReport } from './summary'

/** The command runs in-process against the run's shared database, as `npx concord` would against DATABASE_PATH. */
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

async function setup() {
  const versionId = createNorm(
    db,
    {
      sourceLanguage: 'en',
      title: 'N',
      preamble: '',
      clauses: [
        { label: '1', heading: null, text: 'One.' },
        { label: '2', heading: null, text: 'Two.' },
      ],
    },
    null,
  )
  const round = createRound(
    db,
    {
      versionId,
      title: 'CLI | summary round',
      opensAt: new Date(Date.now() - 10_000),
      closesAt: new Date(Date.now() + 3_600_000),
      eligibleCategories: ['tech_firm', 'civil_society', 'government'],
    },
    null,
  )
  if (!round.ok) throw new Error('round')
  const clauseIds = db.$client.prepare('select id, label from clauses where version_id = ?').all(versionId) as {
    id: number
    label: string
  }[]
  const tag = randomUUID().slice(0, 8)
  let n = 0
  const say = async (
    category: StakeholderCategory,
    country: string,
    label: string,
    position: Position,
    text: string,
    proposedText?: string,
  ) => {
    const created = await createUser(
      db,
      signupSchema.parse({
        email: `cli${n++}.${tag}@example.org`,
        password: 'a long enough password',
        displayName: `Speaker ${n}`,
        category,
        country,
        language: 'en',
      }),
    )
    if (!created.ok) throw new Error('user')
    const result = saveComment(db, {
      roundId: round.roundId,
      userId: created.userId,
      input: {
        intent: 'submit',
        clause: String(clauseIds.find((clause) => clause.label === label)!.id),
        position,
        text,
        proposedText,
        concerns: [],
        consent: 'named',
      },
    })
    if (!result.ok) throw new Error(result.error)
    return result.commentId
  }
  await say(
    'government',
    'FR',
    '1',
    'support',
    'France supports clause one as drafted: it protects essential infrastructure.',
  )
  await say(
    'civil_society',
    'KE',
    '1',
    'oppose',
    'Kenyan civil society opposes clause one unless human rights safeguards are added.',
  )
  await say(
    'tech_firm',
    'US',
    '2',
    'amend',
    'The deadline in clause two should run from confirmation.',
    'Within 72 hours | of confirmation.',
  )
  const hidden = await say(
    'tech_firm',
    'US',
    '2',
    'oppose',
    'Buy cheap watches at this link, best prices in town for everyone!!!',
  )
  db.update(comments).set({ moderation: 'hidden', hiddenReason: 'spam' }).where(eq(comments.id, hidden)).run()
  return round.roundId
}

describe('concord summary build', () => {
  it('prints the current figures, quotes and amendments as JSON', async () => {
    const roundId = await setup()
    const result = await run('summary', 'build', '--round', String(roundId), '--format', 'json')
    expect(result).toMatchObject({ code: 0, stderr: '' })
    const report = JSON.parse(result.stdout) as SummaryReport
    expect(report.round).toMatchObject({ id: roundId, title: 'CLI | summary round', state: 'open' })
    expect(report.figures).toEqual(JSON.parse(JSON.stringify(buildFigures(db, roundId))))
    expect(report.quotes).toEqual(representativeQuotes(db, roundId))
    expect(report.amendments).toEqual(proposedAmendments(db, roundId))
    expect(report.figures.participation).toMatchObject({ comments: 3, counted: 3 })
    expect(report.figures.method.hiddenByReason).toEqual([{ key: 'spam', count: 1 }])
  })

  it('prints a Markdown document in English with a heading per section and tables for the counts', async () => {
    const roundId = await setup()
    const result = await run('summary', 'build', '--round', String(roundId), '--format', 'md')
    expect(result).toMatchObject({ code: 0, stderr: '' })
    const md = result.stdout
    expect(md).toMatch(/^# Consolidated position summary: CLI \| summary round\n/)
    for (const heading of [
      '## Participation',
      '### By stakeholder category',
      '### By region',
      '### By country',
      '### By language',
      '## Clause by clause',
      '### The draft as a whole',
      '### Clause 1',
      '### Clause 2',
      '## Consensus and divergence map',
      '## By concern',
      '## Dispositions',
      '## Method',
    ]) {
      expect(md).toContain(`\n\n${heading}\n\n`)
    }
    expect(md).toContain('| Comments counted (each campaign once) | 3 |')
    expect(md).toContain('| Civil society | 1 | 1 |')
    expect(md).toContain('| Kenya | KE | 1 |')
    expect(md).toContain('| Europe | 150 | 1 |')
    expect(md).toContain('| Government | 1 | 0 | 0 | 0 | 1 | +1.00 |')
    expect(md).toContain('| All categories | 1 | 0 | 1 | 0 | 2 | 0.00 |')
    expect(md).toContain('| 1 | 1 | 1.00 | 0.00 |')
    expect(md).toContain('- Within 72 hours \\| of confirmation. (English) — 1 proposer')
    expect(md).toContain('- Hidden comments: spam 1.')
    expect(md).toContain('| Not yet decided | 3 |')
    // The hidden comment is neither counted nor quoted.
    expect(md).not.toContain('cheap watches')
  })

  it('exits 1 with a message for an unknown round, a bad round id or an unknown format', async () => {
    const unknown = await run('summary', 'build', '--round', '999999', '--format', 'json')
    expect(unknown).toMatchObject({ code: 1, stdout: '' })
    expect(unknown.stderr).toBe('concord: there is no round 999999\n')
    const bad = await run('summary', 'build', '--round', 'two')
    expect(bad.code).toBe(1)
    expect(bad.stderr).toContain('--round must be the id of a round')
    const format = await run('summary', 'build', '--round', '1', '--format', 'pdf')
    expect(format.code).toBe(1)
    expect(format.stderr).toContain('unknown format pdf: use json or md')
    const missing = await run('summary', 'build')
    expect(missing.code).not.toBe(0)
  })
})

describe('markdownTable', () => {
  it('escapes pipes and line breaks and right-aligns numeric columns', () => {
    expect(markdownTable(['Name', 'Count'], [['a | b\nc', '3']], [false, true])).toBe(
      '| Name | Count |\n|---|---:|\n| a \\| b c | 3 |',
    )
  })
})
