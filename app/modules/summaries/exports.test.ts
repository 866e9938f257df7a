import { randomUUID } from 'node:crypto'
import { Ajv2020 } from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'
import { parse } from 'csv-parse/sync'
import { STAKEHOLDER_CATEGORIES, type Position, type StakeholderCategory } from '#db/schema/index'
import { signupSchema } from '~/modules/accounts/accounts.schema'
import { createUser } from '~/modules/accounts/accounts.server'
import { saveComment } from '~/modules/comments/comments.server'
import { confirmConcerns } from '~/modules/concerns/concerns.server'
import { addConcern } from '~/modules/concerns/taxonomy.server'
import { createNorm } from '~/modules/norms/norms.server'
import { createRound } from '~/modules/rounds/rounds.server'
import { loader as csvLoader } from '~/routes/rounds.$roundId.summary[.]csv'
import { loader as jsonLoader } from '~/routes/rounds.$roundId.summary[.]json'
import { createTestDb } from '~/test/db'
import { db as processDb, type Db } from '~/utils/db.server'
import { CSV_TABLES, exportSummary, neutraliseCell, type CsvTable, type SummaryExport } from './exports.server'
import { buildFigures } from './figures.server'
import schema from './summary.schema.json'
import { getSnapshot, publishSummary, saveNarrative, summaryHash, type SummaryFigures } from './summaries.server'

const FORMULA_LABEL = '=HYPERLINK("http://example.com/steal","click")'

async function setup(db: Db, options: { publish?: boolean } = { publish: true }) {
  const versionId = createNorm(
    db,
    {
      sourceLanguage: 'en',
      title: 'N',
      preamble: '',
      clauses: [
        { label: '1', heading: null, text: 'One.' },
        { label: '2.a', heading: null, text: 'Two a.' },
      ],
    },
    null,
  )
  const round = createRound(
    db,
    {
      versionId,
      title: 'Export round',
      opensAt: new Date(Date.now() - 10_000),
      closesAt: new Date(Date.now() + 3_600_000),
      eligibleCategories: [...STAKEHOLDER_CATEGORIES],
    },
    null,
  )
  if (!round.ok) throw new Error('round')
  const roundId = round.roundId
  const clauseIds = db.$client.prepare('select id, label from clauses where version_id = ?').all(versionId) as {
    id: number
    label: string
  }[]
  const tag = randomUUID().slice(0, 8)
  let n = 0
  const newUser = async (category: StakeholderCategory, country: string) => {
    const created = await createUser(
      db,
      signupSchema.parse({
        email: `e${n++}.${tag}@example.org`,
        password: 'a long enough password',
        displayName: `Person ${n}`,
        category,
        country,
        language: 'en',
      }),
    )
    if (!created.ok) throw new Error('user')
    return created.userId
  }
  const moderatorId = await newUser('other', 'CH')
  const added = addConcern(db, {
    roundId,
    actorId: moderatorId,
    concern: { key: 'formula', labels: { en: FORMULA_LABEL, fr: FORMULA_LABEL }, keywords: {} },
  })
  if (!added.ok) throw new Error('concern')
  const confirmed = new Map<number, string[]>()
  const say = async (
    category: StakeholderCategory,
    country: string,
    label: string | null,
    position: Position,
    text: string,
    concerns: string[] = [],
    language = 'en',
  ) => {
    const userId = await newUser(category, country)
    const clause = label === null ? 'whole' : String(clauseIds.find((c) => c.label === label)!.id)
    const result = saveComment(db, {
      roundId,
      userId,
      input: {
        intent: 'submit',
        clause,
        position,
        text,
        proposedText: position === 'amend' ? `Proposed wording from ${country}.` : undefined,
        concerns,
        consent: 'named',
        language,
      },
    })
    if (!result.ok) throw new Error(result.error)
    if (concerns.length) confirmed.set(result.commentId, concerns)
    return result.commentId
  }
  await say(
    'government',
    'FR',
    '1',
    'support',
    'France supports clause one as drafted: it protects essential infrastructure.',
    ['security_stability'],
  )
  await say(
    'government',
    'SN',
    '1',
    'oppose',
    'Le Sénégal ne peut accepter cette disposition sans appui au renforcement des capacités.',
    ['capacity_building'],
    'fr',
  )
  await say(
    'civil_society',
    'KE',
    '1',
    'amend',
    'Kenyan civil society asks for human rights safeguards in clause one.',
    ['human_rights', 'formula'],
  )
  await say(
    'tech_firm',
    'US',
    '2.a',
    'oppose',
    'The 72-hour deadline is not feasible for small operators of infrastructure.',
    ['feasibility'],
  )
  await say(
    'research',
    'BR',
    '2.a',
    'support',
    'Researchers support early warnings without liability for good-faith findings.',
  )
  await say(
    'regional_body',
    'ET',
    null,
    'neutral',
    'The African Union takes note of the draft as a whole and will consult its members.',
  )
  const confirmation = confirmConcerns(db, { roundId, keysByComment: confirmed, actorId: moderatorId })
  if (!confirmation.ok) throw new Error(confirmation.error)
  saveNarrative(db, {
    roundId,
    section: 'participation',
    language: 'en',
    text: 'Broad participation.',
    actorId: moderatorId,
  })
  if (options.publish !== false) publishSummary(db, { roundId, actorId: moderatorId })
  return { roundId, say }
}

function exportOf(db: Db, roundId: number | string, format: 'json' | 'csv', query = '', language: 'en' | 'fr' = 'en') {
  return exportSummary(db, { roundParam: String(roundId), format, search: new URLSearchParams(query), language })
}

function csvRecords(text: string) {
  return parse(text, {
    bom: true,
    columns: true,
    comment: '#',
    comment_no_infix: true,
    skip_empty_lines: true,
  }) as Record<string, string>[]
}

const num = (value: string | undefined) => (value === undefined || value === '' ? null : Number(value))

/** What each table must hold, built straight from the figures (not through the export's own code). */
function expectedRows(table: CsvTable, figures: SummaryFigures): Record<string, string | number | null>[] {
  const p = figures.participation
  switch (table) {
    case 'participation_by_category':
      return p.byCategory.map((row) => ({
        category: row.key,
        comments: row.count,
        participants: p.participantsByCategory.find((entry) => entry.key === row.key)!.count,
      }))
    case 'participation_by_region':
      return p.byRegion.map((row) => ({ region: row.key, comments: row.count }))
    case 'participation_by_country':
      return p.byCountry.map((row) => ({ country: row.key, comments: row.count }))
    case 'participation_by_language':
      return p.byLanguage.map((row) => ({ language: row.key, comments: row.count }))
    case 'positions_by_clause_and_category':
      return figures.clauses.flatMap((clause) =>
        clause.byCategory.map((row) => ({
          clause: clause.label ?? '',
          category: row.category,
          support: row.support,
          amend: row.amend,
          oppose: row.oppose,
          neutral: row.neutral,
          total: row.total,
          net_support: row.net,
        })),
      )
    case 'consensus':
      return figures.consensus.map((row, index) => ({
        rank: index + 1,
        clause: row.label,
        divergence: row.divergence,
        net_support: row.net,
      }))
    case 'concerns_by_category':
      return figures.concerns.flatMap((concern) =>
        concern.byCategory.map((row) => ({ concern: concern.key, category: row.key, comments: row.count })),
      )
    case 'dispositions':
      return Object.entries(figures.dispositions).map(([outcome, comments]) => ({ outcome, comments }))
  }
}

const NUMERIC = new Set([
  'comments',
  'participants',
  'support',
  'amend',
  'oppose',
  'neutral',
  'total',
  'net_support',
  'rank',
  'divergence',
])

/** The parsed records, reduced to the expected columns, numbers read back as numbers. */
function readBack(records: Record<string, string>[], columns: string[]) {
  return records.map((record) =>
    Object.fromEntries(columns.map((column) => [column, NUMERIC.has(column) ? num(record[column]) : record[column]])),
  )
}

function validator() {
  const ajv = new Ajv2020({ allErrors: true, strict: true })
  addFormats.default(ajv)
  return ajv.compile(schema)
}

describe('summary exports: JSON', () => {
  it('is the published snapshot, valid against summary.schema.json, and hashes to its content hash', async () => {
    const db = createTestDb()
    const { roundId } = await setup(db)
    const response = exportOf(db, roundId, 'json')
    expect(response.status).toBe(200)
    expect(response.headers.get('Content-Type')).toBe('application/json; charset=utf-8')
    expect(response.headers.get('Content-Disposition')).toBe(
      `attachment; filename="concord-round-${roundId}-summary-v1.json"`,
    )
    const document = (await response.json()) as SummaryExport
    const validate = validator()
    expect(validate(document), JSON.stringify(validate.errors, null, 2)).toBe(true)

    const snapshot = getSnapshot(db, roundId, 1)!
    expect(document.lens).toBeNull()
    expect(document.figures).toEqual(snapshot.figures)
    expect(document.summary).toMatchObject({ number: 1, contentHash: snapshot.contentHash, integrityVerified: true })
    expect(document.summary.narrative).toEqual({ participation: { en: 'Broad participation.' } })
    // Anyone can check the download against the published hash.
    expect(
      summaryHash({
        roundId,
        number: document.summary.number,
        figures: document.figures,
        narrative: document.summary.narrative,
      }),
    ).toBe(document.summary.contentHash)
    expect(document.figures.participation.counted).toBe(6)
  })

  it('rejects a document that strays from the schema (the check can fail)', async () => {
    const db = createTestDb()
    const { roundId } = await setup(db)
    const document = (await exportOf(db, roundId, 'json').json()) as SummaryExport
    const validate = validator()
    const broken = structuredClone(document) as unknown as { figures: { participation: { counted: unknown } } }
    broken.figures.participation.counted = -1
    expect(validate(broken)).toBe(false)
    const extra = { ...structuredClone(document), surprise: true }
    expect(validate(extra)).toBe(false)
  })

  it('applies a lens: live figures through it, announced in the lens field, still valid', async () => {
    const db = createTestDb()
    const { roundId, say } = await setup(db)
    // A comment after publication: the snapshot does not have it, the live lens does.
    await say(
      'civil_society',
      'NG',
      '1',
      'support',
      'Nigerian civil society supports clause one with the safeguards proposed.',
    )
    const response = exportOf(db, roundId, 'json', 'organization=au&category=civil_society')
    expect(response.status).toBe(200)
    expect(response.headers.get('Content-Disposition')).toContain('lens-organization-au-category-civil_society')
    const document = (await response.json()) as SummaryExport
    expect(validator()(document)).toBe(true)
    expect(document.lens).toMatchObject({ filters: { organization: 'au', category: 'civil_society' }, basis: 'live' })
    expect(document.lens!.note).toContain('organization=au')
    expect(document.figures.lens).toEqual({ organization: 'au', category: 'civil_society' })
    const live = buildFigures(db, roundId, { organization: 'au', category: 'civil_society' })
    expect(document.figures.participation).toEqual(live.participation)
    expect(document.figures.participation.byCountry).toEqual([
      { key: 'KE', count: 1 },
      { key: 'NG', count: 1 },
    ])
    expect(document.summary.number).toBe(1)
  })
})

describe('summary exports: CSV', () => {
  it('parses back, table by table, to the figures of the published snapshot', async () => {
    const db = createTestDb()
    const { roundId } = await setup(db)
    const figures = getSnapshot(db, roundId, 1)!.figures
    for (const table of CSV_TABLES) {
      const response = exportOf(db, roundId, 'csv', `table=${table}`)
      expect(response.status, table).toBe(200)
      expect(response.headers.get('Content-Type')).toBe('text/csv; charset=utf-8; header=present')
      expect(response.headers.get('Content-Disposition')).toBe(
        `attachment; filename="concord-round-${roundId}-summary-v1-${table}.csv"`,
      )
      const bytes = new Uint8Array(await response.arrayBuffer())
      expect([...bytes.slice(0, 3)], 'UTF-8 byte-order mark').toEqual([0xef, 0xbb, 0xbf])
      const text = new TextDecoder().decode(bytes)
      expect(text).not.toMatch(/^#/) // no lens, no comment row
      const expected = expectedRows(table, figures)
      expect(expected.length, `${table} has rows`).toBeGreaterThan(0)
      expect(readBack(csvRecords(text), Object.keys(expected[0]!)), table).toEqual(expected)
    }
  })

  it('neutralises text cells that look like formulas, and keeps negative numbers as numbers', async () => {
    const db = createTestDb()
    const { roundId } = await setup(db)
    const text = await exportOf(db, roundId, 'csv', 'table=concerns_by_category').text()
    const formula = csvRecords(text).filter((record) => record.concern === 'formula')
    expect(formula).toHaveLength(STAKEHOLDER_CATEGORIES.length)
    for (const record of formula) expect(record.concern_label).toBe(`'${FORMULA_LABEL}`)
    expect(text).not.toMatch(/(^|,)"?=HYPERLINK/m)
    // Governments split on clause 1 (net 0); the technology firm alone opposed clause 2.a: net −1, written as a number.
    const positions = csvRecords(await exportOf(db, roundId, 'csv', 'table=positions_by_clause_and_category').text())
    expect(positions.find((record) => record.clause === '1' && record.category === 'government')!.net_support).toBe('0')
    expect(positions.find((record) => record.clause === '2.a' && record.category === 'tech_firm')!.net_support).toBe(
      '-1',
    )

    for (const danger of ['=1+1', '+1', '-1', '@SUM(A1)', '\tTAB', '\rCR'])
      expect(neutraliseCell(danger)).toBe(`'${danger}`)
    for (const safe of ['Privacy', "'quoted", '1-2', 'a=b']) expect(neutraliseCell(safe)).toBe(safe)
  })

  it('applies a lens and says so in a first comment row', async () => {
    const db = createTestDb()
    const { roundId } = await setup(db)
    const response = exportOf(db, roundId, 'csv', 'table=participation_by_country&region=002', 'fr')
    expect(response.status).toBe(200)
    expect(response.headers.get('Content-Disposition')).toBe(
      `attachment; filename="concord-round-${roundId}-summary-v1-participation_by_country-lens-region-002.csv"`,
    )
    const text = await response.text()
    const firstLine = text.split('\r\n')[0]!
    expect(firstLine).toMatch(/^# Données calculées en temps réel avec le filtre region=002 /)
    const live = buildFigures(db, roundId, { region: '002' })
    expect(readBack(csvRecords(text), ['country', 'comments'])).toEqual(
      live.participation.byCountry.map((row) => ({ country: row.key, comments: row.count })),
    )
    expect(
      csvRecords(text)
        .map((record) => record.country_name ?? '')
        .sort(new Intl.Collator('fr').compare),
    ).toEqual(['Éthiopie', 'Kenya', 'Sénégal'])
  })
})

describe('summary exports: bad input', () => {
  it('answers an unknown lens value with 400 and a plain-text message in the reader’s language', async () => {
    const db = createTestDb()
    const { roundId } = await setup(db)
    const response = exportOf(db, roundId, 'csv', 'table=consensus&region=999&organization=nato', 'fr')
    expect(response.status).toBe(400)
    expect(response.headers.get('Content-Type')).toBe('text/plain; charset=utf-8')
    expect(response.headers.get('Content-Language')).toBe('fr')
    const text = await response.text()
    expect(text).toContain('La valeur « 999 » du filtre « région » n’est pas reconnue.')
    expect(text).toContain('La valeur « nato » du filtre « organisation régionale » n’est pas reconnue.')
    const english = exportOf(db, roundId, 'json', 'category=astronaut')
    expect(english.status).toBe(400)
    expect(await english.text()).toContain('The value “astronaut” of the filter “stakeholder category” is not known.')
  })

  it('answers 404 without a published summary or round, 400 for a missing or unknown table or version', async () => {
    const db = createTestDb()
    const { roundId } = await setup(db, { publish: false })
    const unpublished = exportOf(db, roundId, 'json', '', 'fr')
    expect(unpublished.status).toBe(404)
    expect(await unpublished.text()).toContain('Aucune synthèse de cette phase n’a encore été publiée')
    expect(exportOf(db, roundId, 'csv', 'table=consensus').status).toBe(404)
    expect(exportOf(db, 999_999, 'json').status).toBe(404)
    expect(exportOf(db, 'abc', 'json').status).toBe(404)
    expect(exportOf(db, '-1', 'csv').status).toBe(404)

    publishSummary(db, { roundId, actorId: null })
    const missing = exportOf(db, roundId, 'csv')
    expect(missing.status).toBe(400)
    expect(await missing.text()).toContain('participation_by_category')
    const unknown = exportOf(db, roundId, 'csv', 'table=secrets')
    expect(unknown.status).toBe(400)
    expect(await unknown.text()).toContain('There is no table “secrets”.')
    expect(exportOf(db, roundId, 'json', 'version=1').status).toBe(200)
    expect(exportOf(db, roundId, 'json', 'version=2').status).toBe(404)
    expect(exportOf(db, roundId, 'json', 'version=abc').status).toBe(400)
  })
})

describe('summary export routes', () => {
  it('serve the process-wide database, in the reader’s language', async () => {
    const { roundId } = await setup(processDb)
    const request = (path: string) => new Request(`http://localhost${path}`, { headers: { 'Accept-Language': 'fr' } })
    const json = (await jsonLoader({
      request: request(`/rounds/${roundId}/summary.json`),
      params: { roundId: String(roundId) },
      context: { cspNonce: '' },
    })) as Response
    expect(json.status).toBe(200)
    expect(validator()(await json.json())).toBe(true)
    const csv = (await csvLoader({
      request: request(`/rounds/${roundId}/summary.csv?table=dispositions`),
      params: { roundId: String(roundId) },
      context: { cspNonce: '' },
    })) as Response
    expect(csv.status).toBe(200)
    expect(csvRecords(await csv.text()).map((record) => record.outcome_label)).toContain('Suite non encore décidée')
    const bad = (await csvLoader({
      request: request(`/rounds/${roundId}/summary.csv?table=dispositions&language=xx-!!`),
      params: { roundId: String(roundId) },
      context: { cspNonce: '' },
    })) as Response
    expect(bad.status).toBe(400)
    expect(await bad.text()).toContain('du filtre « langue »')
  })
})
