import { Readable, Writable } from 'node:stream'
import { parse } from 'csv-parse/sync'
import { and, asc, eq } from 'drizzle-orm'
import {
  auditLog,
  commentConcerns,
  commentRevisions,
  comments,
  concernModels,
  concerns,
  countries,
  duplicateGroups,
  rounds,
} from '#db/schema/index'
import { createNorm } from '~/modules/norms/norms.server'
import { createRound } from '~/modules/rounds/rounds.server'
import { createTestDb } from '~/test/db'
import type { Db } from '~/utils/db.server'
import {
  checkCommentFile,
  csvField,
  discardCheckedFile,
  EXPORT_COLUMNS,
  getImportJob,
  exportComments,
  IMPORT_COLUMNS,
  importComments,
  keepCheckedFile,
  MAX_FILE_BYTES,
  neutraliseCell,
  parseCommentFile,
  readCheckedFile,
  startImportJob,
  validateRows,
  type FileFormat,
} from './transfer.server'
import { analyseComment } from './analysis'
import { AnalysisThreads } from './analysis-pool.server'
import { loadModel } from '~/modules/concerns/concerns.server'
import { recountComments } from './counts.server'

/**
 * Real comments from a real public consultation (../shared/corpus/en-brexit-consensus-comments.csv,
 * comments 36, 34, 37, 13 and 12). "Data was gathered using the Polis software (compdemocracy.org/polis)
 * and is sub-licensed under CC BY 4.0 with Attribution to The Computational Democracy Project."
 * (repository compdemocracy/openData)
 */
const BREXIT = [
  "Opposition to Brexit as a whole won't stop it, but opposition to the component parts of it just might.",
  '"The EU" as a concept is too big and too varied to be summed up simply, which is why an "in/out" vote was a stupid idea in the first place.',
  'There\'s no point "opposing Brexit" at this stage. It\'s a rock rolling down a hill, the inertia is too great for it to be stopped.',
  'The Single Market is important for the prosperity of the country.',
  'Freedom of Movement is an issue that personally affects me or someone close to me - it could lead to me having to leave the country, or to future difficulties in seeing my family.',
]

/**
 * Two more languages, from the same corpus: a French contribution to the French National Assembly
 * consultation on equality between women and men (ODbL, regardscitoyens/consultation_an, row 741)
 * and a comment of the 2015-16 vTaiwan consultation on UberX (comment 151, CC BY 4.0 with
 * Attribution to The Computational Democracy Project).
 */
const FRENCH_AND_CHINESE = [
  "Il faudrait permettre au couple d'alterner le travail et la garde de l'enfant, l'un après l'autre avec des revenus adaptés pour le couple et des jours d'absences pour le père, plus long que trois jours.",
  '我覺得目前管理職業客車的法規對分享經濟很不友善。應該要盡速修法，比較環保。',
]

const HEADER = IMPORT_COLUMNS.join(',')

function csvRow(values: Partial<Record<(typeof IMPORT_COLUMNS)[number], string>>) {
  return IMPORT_COLUMNS.map((column) => csvField(values[column] ?? '')).join(',')
}

function csvFile(rows: Partial<Record<(typeof IMPORT_COLUMNS)[number], string>>[], newline = '\n') {
  return Buffer.from([HEADER, ...rows.map(csvRow)].join(newline) + newline)
}

function setup() {
  const db = createTestDb()
  const versionId = createNorm(
    db,
    {
      sourceLanguage: 'en',
      title: 'Draft norms',
      preamble: '',
      clauses: [
        { label: '1', heading: null, text: 'States should cooperate.' },
        { label: '2', heading: null, text: 'States should protect critical infrastructure.' },
        { label: '2.a', heading: null, text: 'Within 72 hours.' },
      ],
    },
    null,
  )
  const makeRound = (title: string) => {
    const round = createRound(
      db,
      {
        versionId,
        title,
        opensAt: new Date(Date.now() - 86_400_000),
        closesAt: new Date(Date.now() + 86_400_000),
        eligibleCategories: ['civil_society', 'government'],
      },
      null,
    )
    if (!round.ok) throw new Error(round.error)
    return round.roundId
  }
  return { db, roundId: makeRound('Round'), makeRound }
}

async function importFile(db: Db, roundId: number, bytes: Uint8Array, format: FileFormat = 'csv') {
  const checked = await checkCommentFile(db, roundId, bytes, format)
  if (!checked.ok) throw new Error(JSON.stringify(checked.errors))
  const result = await importComments(db, roundId, checked.rows, null, { fileName: `test.${format}` })
  if (!result.ok) throw new Error(JSON.stringify(result.errors))
  return result
}

function roundComments(db: Db, roundId: number) {
  return db.select().from(comments).where(eq(comments.roundId, roundId)).orderBy(asc(comments.id)).all()
}

async function exportText(db: Db, roundId: number, format: FileFormat) {
  const chunks: Buffer[] = []
  const out = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(Buffer.from(chunk))
      done()
    },
  })
  const count = await exportComments(db, roundId, format, out)
  return { count, text: Buffer.concat(chunks).toString('utf8') }
}

describe('importing a good file', () => {
  it('imports every row of a CSV of real comments: imported, submitted, anonymous, with languages, duplicates and concerns', async () => {
    const { db, roundId } = setup()
    const file = csvFile([
      { external_id: 'b-36', clause: '1', stakeholder_category: 'civil_society', organization: 'Open Rights Forum', country: 'KE', position: 'oppose', text: BREXIT[0], concerns: 'sovereignty_jurisdiction;human_rights' },
      { external_id: 'b-34', clause: '2.a', stakeholder_category: 'government', country: 'fr', language: 'EN-gb', position: 'amend', text: BREXIT[1], proposed_text: 'A clearer "in/out" choice.' },
      { external_id: 'b-37', stakeholder_category: 'research', text: BREXIT[2] },
      { external_id: 'b-13', stakeholder_category: 'tech_firm', position: 'Support', text: BREXIT[3] },
      { external_id: 'b-13-copy', stakeholder_category: 'tech_firm', text: BREXIT[3] },
      { external_id: 'b-12', stakeholder_category: 'other', text: BREXIT[4], concerns: 'human_rights' },
    ])
    const before = db.select({ count: rounds.submittedCount }).from(rounds).where(eq(rounds.id, roundId)).get()!.count
    const result = await importFile(db, roundId, file)
    expect(result).toMatchObject({ imported: 6, confirmed: 2, grouped: 1, detected: 5 })

    const stored = roundComments(db, roundId)
    expect(stored).toHaveLength(6)
    for (const comment of stored) {
      expect(comment).toMatchObject({ imported: true, status: 'submitted', consent: 'anonymous', authorId: null, authorName: null })
      expect(comment.receipt).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/)
    }
    expect(stored.map((comment) => comment.text)).toEqual([BREXIT[0], BREXIT[1], BREXIT[2], BREXIT[3], BREXIT[3], BREXIT[4]])
    const [first, second, third, fourth, fifth] = stored
    const kenya = db.select().from(countries).where(eq(countries.code, 'KE')).get()!
    expect(first).toMatchObject({
      externalId: 'b-36',
      category: 'civil_society',
      organizationName: 'Open Rights Forum',
      countryCode: 'KE',
      regionCode: kenya.regionCode,
      subregionCode: kenya.subregionCode,
      position: 'oppose',
      detectedLanguage: 'en',
      declaredLanguage: 'en',
      reviewState: 'reviewed',
    })
    // A given language is kept (canonicalised) and not detected; the country code is read in capitals.
    expect(second).toMatchObject({ declaredLanguage: 'en-GB', detectedLanguage: null, countryCode: 'FR', position: 'amend', proposedText: 'A clearer "in/out" choice.' })
    expect(third).toMatchObject({ clauseId: null, position: null, organizationName: null, countryCode: null, regionCode: null, reviewState: 'unreviewed' })
    expect(fourth!.position).toBe('support')
    // The repeated text joins a group of exact duplicates with the first one.
    expect(fourth!.duplicateGroupId).not.toBeNull()
    expect(fifth!.duplicateGroupId).toBe(fourth!.duplicateGroupId)
    const group = db.select().from(duplicateGroups).where(eq(duplicateGroups.id, fourth!.duplicateGroupId!)).get()!
    expect(group).toMatchObject({ kind: 'exact', size: 2, representativeCommentId: fourth!.id })

    const labels = db
      .select({ commentId: commentConcerns.commentId, source: commentConcerns.source, key: concerns.key, score: commentConcerns.score })
      .from(commentConcerns)
      .innerJoin(concerns, eq(concerns.id, commentConcerns.concernId))
      .where(eq(concerns.roundId, roundId))
      .all()
    const moderator = labels.filter((label) => label.source === 'moderator')
    expect(moderator.filter((label) => label.commentId === first!.id).map((label) => label.key).sort()).toEqual([
      'human_rights',
      'sovereignty_jurisdiction',
    ])
    expect(moderator.every((label) => label.score === null)).toBe(true)
    const suggested = labels.filter((label) => label.source === 'suggested')
    expect(suggested.length).toBeGreaterThan(0)
    expect(suggested.every((label) => typeof label.score === 'number' && label.score > 0 && label.score <= 1)).toBe(true)

    // The model learnt the two confirmed rows; the counter went up once by six; one audit entry.
    expect(db.select().from(concernModels).where(eq(concernModels.roundId, roundId)).get()!.examples).toBe(2)
    expect(db.select({ count: rounds.submittedCount }).from(rounds).where(eq(rounds.id, roundId)).get()!.count).toBe(before + 6)
    const audit = db.select().from(auditLog).where(and(eq(auditLog.roundId, roundId), eq(auditLog.action, 'comments.import'))).all()
    expect(audit).toHaveLength(1)
    expect(audit[0]!.after).toMatchObject({ imported: 6, confirmed: 2, file: 'test.csv' })
    expect(db.select().from(commentRevisions).where(eq(commentRevisions.commentId, first!.id)).all()).toHaveLength(1)
  })

  it('imports JSON Lines with the same keys, concerns as a list, a numeric clause and a byte order mark', async () => {
    const { db, roundId } = setup()
    const lines = [
      { external_id: 7, clause: 1, stakeholder_category: 'government', country: 'SN', language: 'fr', text: 'Les États devraient coopérer davantage.', concerns: ['capacity_building'] },
      { stakeholder_category: 'civil_society', text: BREXIT[3], position: 'neutral', proposed_text: null },
    ]
    const file = Buffer.from(`\uFEFF${lines.map((line) => JSON.stringify(line)).join('\r\n')}\r\n\r\n`)
    const result = await importFile(db, roundId, file, 'jsonl')
    expect(result).toMatchObject({ imported: 2, confirmed: 1, detected: 1 })
    const [first, second] = roundComments(db, roundId)
    expect(first).toMatchObject({ externalId: '7', declaredLanguage: 'fr', countryCode: 'SN', imported: true })
    expect(first!.clauseId).not.toBeNull()
    expect(second).toMatchObject({ externalId: null, detectedLanguage: 'en', position: 'neutral', proposedText: null })
  })

  it('reads a CSV with CRLF line ends and quoted cells that span lines, keeping the text exactly', async () => {
    const { db, roundId } = setup()
    const text = 'First line,\r\nsecond line with "quotes"\r\nand a third.'
    const result = await importFile(db, roundId, csvFile([{ stakeholder_category: 'research', text }], '\r\n'))
    expect(result.imported).toBe(1)
    expect(roundComments(db, roundId)[0]!.text).toBe(text)
  })
})

describe('the counts of an imported round', () => {
  const counts = (db: Db) =>
    db.$client
      .prepare('select round_id, dimension, value, moderation, review_state, published, n from comment_counts where n <> 0 order by 1, 2, 3, 4, 5, 6')
      .all()
  const triggers = (db: Db) => db.$client.prepare("select name, sql from sqlite_master where type = 'trigger' order by name").all()

  it('are what counting the comments again gives, and the counting triggers are back as they were', async () => {
    const { db, roundId, makeRound } = setup()
    const other = makeRound('Other round')
    const before = triggers(db)
    expect(before.length).toBeGreaterThan(0)
    const rows = (prefix: string) =>
      [...BREXIT, ...FRENCH_AND_CHINESE].flatMap((text, i) => [
        { external_id: `${prefix}${i}`, clause: ['1', '2', '2.a', ''][i % 4], stakeholder_category: i % 2 ? 'research' : 'government', country: ['KE', 'FR', '', 'CN'][i % 4], text },
        { external_id: `${prefix}${i}-l`, stakeholder_category: 'civil_society', language: ['en', 'fr', ''][i % 3], text: `${text} Again.`, concerns: i % 2 ? 'human_rights' : '' },
      ])
    await importFile(db, roundId, csvFile(rows('a')))
    await importFile(db, other, csvFile(rows('b')))
    // A second file into a round that has comments and counts already.
    await importFile(db, roundId, csvFile(rows('c')))
    expect(triggers(db)).toEqual(before)
    const imported = counts(db)
    expect(imported.some((row) => (row as { dimension: string }).dimension === 'suggested')).toBe(true)
    recountComments(db)
    expect(imported).toEqual(counts(db))
  })

  it('stay as they were, triggers included, when the import fails inside its transaction', async () => {
    const { db, roundId } = setup()
    await importFile(db, roundId, csvFile([{ external_id: 'x', stakeholder_category: 'research', text: BREXIT[0] }]))
    const checked = await checkCommentFile(db, roundId, csvFile([{ stakeholder_category: 'research', text: BREXIT[1] }]), 'csv')
    if (!checked.ok) throw new Error('expected a good file')
    // A write the import makes after it has set the counting triggers aside fails.
    db.$client.exec("create trigger refuse_sketches before insert on comment_sketches begin select raise(abort, 'refused'); end")
    const before = { counts: counts(db), triggers: triggers(db), comments: roundComments(db, roundId).length }
    await expect(importComments(db, roundId, checked.rows, null)).rejects.toThrow('refused')
    expect({ counts: counts(db), triggers: triggers(db), comments: roundComments(db, roundId).length }).toEqual(before)
  })
})

describe('refusing a bad file', () => {
  it('refuses the whole file for one bad row, naming its physical line, and stores nothing', async () => {
    const { db, roundId } = setup()
    const file = csvFile(
      [
        { stakeholder_category: 'research', text: 'A comment\non two lines.' },
        { stakeholder_category: 'research', text: BREXIT[0] },
        { stakeholder_category: 'pirates', text: BREXIT[1] },
        { stakeholder_category: 'research', text: BREXIT[2] },
      ],
      '\n',
    )
    const checked = await checkCommentFile(db, roundId, file, 'csv')
    // Header on line 1, the two-line comment on lines 2-3, then lines 4, 5 and 6.
    expect(checked).toMatchObject({
      ok: false,
      errorCount: 1,
      errors: [{ line: 5, field: 'stakeholder_category', reason: 'errors.categoryUnknown', values: { value: 'pirates' } }],
    })
    expect(roundComments(db, roundId)).toHaveLength(0)
  })

  it('names every bad row: clause, category, country, concern, position, language, text, external ids', async () => {
    const { db, roundId } = setup()
    const long = 'x'.repeat(5001)
    const file = csvFile([
      { external_id: 'a', clause: '9', stakeholder_category: 'research', text: 'Clause nine does not exist.' },
      { external_id: 'b', stakeholder_category: '', text: 'No category.' },
      { external_id: 'c', stakeholder_category: 'research', country: 'XX', text: 'No such country.' },
      { external_id: 'd', stakeholder_category: 'research', concerns: 'privacy;bananas', text: 'Unknown concern.' },
      { external_id: 'e', stakeholder_category: 'research', position: 'maybe', text: 'Unknown position.' },
      { external_id: 'f', stakeholder_category: 'research', language: 'not a tag', text: 'Bad language tag.' },
      { external_id: 'g', stakeholder_category: 'research', text: '   ' },
      { external_id: 'h', stakeholder_category: 'research', text: long },
      { external_id: 'a', stakeholder_category: 'research', text: 'The external id a again.' },
    ])
    const checked = await checkCommentFile(db, roundId, file, 'csv')
    if (checked.ok) throw new Error('expected problems')
    expect(checked.errors.map((error) => [error.line, error.field, error.reason])).toEqual([
      [2, 'clause', 'errors.clauseUnknown'],
      [3, 'stakeholder_category', 'errors.categoryRequired'],
      [4, 'country', 'errors.countryUnknown'],
      [5, 'concerns', 'errors.concernUnknown'],
      [6, 'position', 'errors.positionInvalid'],
      [7, 'language', 'errors.languageInvalid'],
      [8, 'text', 'errors.textRequired'],
      [9, 'text', 'errors.textTooLong'],
      [10, 'external_id', 'errors.externalIdRepeated'],
    ])
    expect(checked.errors[3]!.values).toMatchObject({ value: 'bananas' })
    expect(checked.errors[8]!.values).toMatchObject({ value: 'a', first: 2 })
  })

  it('refuses a header with missing or unknown columns in one error naming them', async () => {
    const { db, roundId } = setup()
    const file = Buffer.from('external_id,clause,stakeholder_category,organisation,country,language,position,text,proposed_text\nx,,research,,,,,Hello there,\n')
    const checked = await checkCommentFile(db, roundId, file, 'csv')
    expect(checked).toMatchObject({
      ok: false,
      errorCount: 1,
      errors: [{ line: 1, field: null, reason: 'errors.header', values: { unknown: 'organisation', missing: 'organization, concerns' } }],
    })
    const semicolons = await parseCommentFile(Buffer.from(IMPORT_COLUMNS.join(';') + '\n'), 'csv')
    expect(semicolons).toMatchObject({ ok: false, errors: [{ line: 1, reason: 'errors.headerSeparator' }] })
  })

  it('refuses bytes that are not UTF-8, naming the line, and UTF-16 files', async () => {
    const { db, roundId } = setup()
    const good = csvFile([{ stakeholder_category: 'research', text: 'Fine.' }])
    const latin1 = Buffer.concat([good, Buffer.from(',,research,,,,,Caf'), Buffer.from([0xe9]), Buffer.from(' au lait,,\n')])
    expect(await checkCommentFile(db, roundId, latin1, 'csv')).toMatchObject({
      ok: false,
      errors: [{ line: 3, field: null, reason: 'errors.notUtf8' }],
    })
    const cutShort = Buffer.concat([good, Buffer.from(',,research,,,,,Caf'), Buffer.from([0xc3])])
    expect(await checkCommentFile(db, roundId, cutShort, 'csv')).toMatchObject({ ok: false, errors: [{ line: 3, reason: 'errors.notUtf8' }] })
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(HEADER, 'utf16le')])
    expect(await checkCommentFile(db, roundId, utf16, 'csv')).toMatchObject({ ok: false, errors: [{ line: 1, reason: 'errors.utf16' }] })
    expect(roundComments(db, roundId)).toHaveLength(0)
  })

  it('stops reading a file larger than 50 MB', async () => {
    let sent = 0
    const source = Readable.from(
      (function* () {
        const chunk = Buffer.alloc(1024 * 1024, 0x61)
        for (let i = 0; i < 60; i++) {
          sent += chunk.length
          yield chunk
        }
      })(),
    )
    const parsed = await parseCommentFile(source, 'jsonl')
    expect(parsed).toMatchObject({ ok: false, errors: [{ line: null, reason: 'errors.tooLarge', values: { max: '50 MB' } }] })
    expect(sent).toBeLessThan(MAX_FILE_BYTES + 4 * 1024 * 1024)
  })

  it('refuses empty files, headers alone, broken quoting, and JSON that is not an object', async () => {
    expect(await parseCommentFile(Buffer.alloc(0), 'csv')).toMatchObject({ ok: false, errors: [{ reason: 'errors.empty' }] })
    expect(await parseCommentFile(Buffer.from(`${HEADER}\n`), 'csv')).toMatchObject({ ok: false, errors: [{ reason: 'errors.noRows' }] })
    const unclosed = Buffer.from(`${HEADER}\n,,research,,,,,"An open quote,,\nthat never closes\n`)
    expect(await parseCommentFile(unclosed, 'csv')).toMatchObject({ ok: false, errors: [{ line: 2, reason: 'errors.csvQuoteNotClosed' }] })
    const cells = Buffer.from(`${HEADER}\n,,research,Hello\n`)
    expect(await parseCommentFile(cells, 'csv')).toMatchObject({ ok: false, errors: [{ line: 2, reason: 'errors.cellCount', values: { found: 4, expected: 10 } }] })
    const json = Buffer.from('{"stakeholder_category":"research","text":"ok"}\n[1,2]\n{"text": 5, "colour": "red"}\nnot json\n')
    const parsed = await parseCommentFile(json, 'jsonl')
    if (parsed.ok) throw new Error('expected problems')
    expect(parsed.errors.map((error) => [error.line, error.field, error.reason])).toEqual([
      [2, null, 'errors.jsonNotObject'],
      [3, null, 'errors.jsonKeys'],
      [3, 'text', 'errors.jsonType'],
      [4, null, 'errors.jsonInvalid'],
    ])
  })

  it('refuses a formula in a cell that names something, and keeps a comment that begins with =', async () => {
    const { db, roundId } = setup()
    const injected = csvFile([{ stakeholder_category: 'research', organization: "=cmd|' /C calc'!A0", text: 'Hello.' }])
    expect(await checkCommentFile(db, roundId, injected, 'csv')).toMatchObject({
      ok: false,
      errors: [{ line: 2, field: 'organization', reason: 'errors.formula' }],
    })
    await importFile(db, roundId, csvFile([{ stakeholder_category: 'research', text: '=1+1 is how a spreadsheet adds.' }]))
    expect(roundComments(db, roundId)[0]!.text).toBe('=1+1 is how a spreadsheet adds.')
  })

  it('refuses an external id imported into the round before, and a file whose concern was removed after the check', async () => {
    const { db, roundId } = setup()
    await importFile(db, roundId, csvFile([{ external_id: 'once', stakeholder_category: 'research', text: 'Only once.' }]))
    const again = await checkCommentFile(db, roundId, csvFile([{ external_id: 'once', stakeholder_category: 'research', text: 'Again.' }]), 'csv')
    expect(again).toMatchObject({ ok: false, errors: [{ line: 2, field: 'external_id', reason: 'errors.externalIdImported' }] })

    const checked = await checkCommentFile(db, roundId, csvFile([{ stakeholder_category: 'research', text: 'Labelled.', concerns: 'feasibility' }]), 'csv')
    if (!checked.ok) throw new Error('expected a good file')
    db.delete(concerns).where(and(eq(concerns.roundId, roundId), eq(concerns.key, 'feasibility'))).run()
    const result = await importComments(db, roundId, checked.rows, null)
    expect(result).toMatchObject({ ok: false, errors: [{ line: 2, field: 'concerns', reason: 'errors.concernUnknown' }] })
    expect(roundComments(db, roundId)).toHaveLength(1)
    expect(validateRows(db, 999_999, [])).toMatchObject({ ok: false, errors: [{ reason: 'errors.roundUnknown' }] })
  })
})

describe('export', () => {
  const TRICKY = [
    '=HYPERLINK("http://example.org","click")',
    '+41 22 917 12 34 is our number',
    '-2 degrees, and falling',
    '@moderators please look',
    "'=already quoted",
    '\tIndented with a tab',
    'Emoji 👍🏽 and a family 👨‍👩‍👧 stay whole',
    'Arabic with marks: \u200Fمرحبا\u200E (RTL and LTR marks)',
    'Lines\r\nend\nin different\rways',
    'Quotes "double" and \'single\', commas, and ;semicolons;',
    '中文意见：应当加强合作。',
  ]

  it('writes CSV whose cells never start a formula, with confirmed and suggested concerns', async () => {
    const { db, roundId } = setup()
    await importFile(
      db,
      roundId,
      csvFile([
        ...TRICKY.map((text, index) => ({ external_id: `t${index}`, stakeholder_category: 'research', text })),
        // Neutralised cells in the file are read back without their quote.
        { external_id: "'-1", stakeholder_category: 'government', organization: "'@Home Network", text: BREXIT[0], concerns: 'privacy' },
      ]),
    )
    const { count, text } = await exportText(db, roundId, 'csv')
    expect(count).toBe(TRICKY.length + 1)
    expect(text.startsWith('\uFEFF')).toBe(true)
    const records = parse(text, { bom: true, relax_column_count: false }) as string[][]
    expect(records[0]).toEqual([...EXPORT_COLUMNS])
    for (const record of records.slice(1)) {
      for (const cell of record) expect(cell).not.toMatch(/^[=+\-@\t\r]/)
    }
    const last = records[records.length - 1]!
    const column = (name: (typeof EXPORT_COLUMNS)[number]) => last[EXPORT_COLUMNS.indexOf(name)]
    expect(column('external_id')).toBe("'-1")
    expect(column('organization')).toBe("'@Home Network")
    expect(column('concerns')).toBe('privacy')
    expect(column('status')).toBe('visible')
    expect(column('suggested_concerns')).toMatch(/^([a-z_]+:\d\.\d\d)(;[a-z_]+:\d\.\d\d)*$|^$/)
    expect(neutraliseCell('=1')).toBe("'=1")
    expect(neutraliseCell('plain')).toBe('plain')
  })

  it.each(['csv', 'jsonl'] as const)('round-trips through %s: the texts come back exactly', async (format) => {
    const { db, roundId, makeRound } = setup()
    const rows = [...TRICKY, ...BREXIT].map((text, index) => ({
      external_id: `r${index}`,
      clause: index % 2 ? '2.a' : '',
      stakeholder_category: 'civil_society',
      organization: index === 0 ? 'Réseau "Numérique" Sénégal' : '',
      country: 'SN',
      position: 'amend',
      text,
      proposed_text: index === 1 ? 'Line one\nline two 🌍' : '',
      concerns: index === 2 ? 'privacy;feasibility' : '',
    }))
    await importFile(db, roundId, csvFile(rows))
    const exported = await exportText(db, roundId, format)
    const other = makeRound('Second round')
    await importFile(db, other, Buffer.from(exported.text), format)
    const original = roundComments(db, roundId)
    const copy = roundComments(db, other)
    expect(copy).toHaveLength(original.length)
    const fields = (comment: (typeof original)[number]) => [
      comment.externalId,
      comment.text,
      comment.proposedText,
      comment.organizationName,
      comment.countryCode,
      comment.position,
      comment.declaredLanguage,
    ]
    expect(copy.map(fields)).toEqual(original.map(fields))
    expect(copy[2]!.reviewState).toBe('reviewed')
  })

  it('writes JSON Lines plainly, one object a line with the export keys, in batches', async () => {
    const { db, roundId } = setup()
    await importFile(db, roundId, csvFile([{ stakeholder_category: 'research', text: '=plain in JSON' }]))
    const { text } = await exportText(db, roundId, 'jsonl')
    const lines = text.trimEnd().split('\n')
    expect(lines).toHaveLength(1)
    const object = JSON.parse(lines[0]!) as Record<string, string>
    expect(Object.keys(object)).toEqual([...EXPORT_COLUMNS])
    expect(object.text).toBe('=plain in JSON')
    expect(object.stakeholder_category).toBe('research')
  })
})

describe('the web import', () => {
  it('keeps a checked file for the same moderator and round only, until it is discarded', () => {
    const token = keepCheckedFile(Buffer.from('a,b\n'), { roundId: 4, userId: 'moderator-1', format: 'csv', name: 'x.csv', rows: 1 })
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(readCheckedFile(token, 4, 'someone-else')).toBeNull()
    expect(readCheckedFile(token, 5, 'moderator-1')).toBeNull()
    expect(readCheckedFile('../../etc/passwd', 4, 'moderator-1')).toBeNull()
    expect(readCheckedFile(token, 4, 'moderator-1')?.bytes.toString()).toBe('a,b\n')
    discardCheckedFile(token)
    expect(readCheckedFile(token, 4, 'moderator-1')).toBeNull()
  })

  it('runs a background job whose progress and result its moderator can read', async () => {
    const { db, roundId } = setup()
    const checked = await checkCommentFile(db, roundId, csvFile(BREXIT.map((text) => ({ stakeholder_category: 'research', text }))), 'csv')
    if (!checked.ok) throw new Error('expected a good file')
    const job = startImportJob(db, { roundId, userId: 'moderator-1', rows: checked.rows, fileName: 'brexit.csv' })
    expect(job).toMatchObject({ state: 'running', progress: { total: 5 } })
    expect(getImportJob(job.id, roundId, 'someone-else')).toBeNull()
    for (let i = 0; i < 200 && job.state === 'running'; i++) await new Promise((resolve) => setTimeout(resolve, 10))
    expect(getImportJob(job.id, roundId, 'moderator-1')).toMatchObject({ state: 'done', result: { ok: true, imported: 5 } })
    expect(roundComments(db, roundId)).toHaveLength(5)
  })
})

describe('analysis in worker threads', () => {
  it('stores what the analysis in this thread stores: languages, fingerprints, groups, suggestions and what the model learnt', async () => {
    // Real comments in three languages, some repeated (a campaign), some with their language left empty, some labelled.
    const texts = [...BREXIT, ...FRENCH_AND_CHINESE]
    const rows = Array.from({ length: 60 }, (_, i) => ({
      external_id: `r${i}`,
      stakeholder_category: i % 2 ? 'research' : 'government',
      language: i % 3 ? '' : 'en',
      text: texts[i % texts.length]!,
      concerns: i % 7 === 0 ? 'privacy' : '',
    }))
    const stored = async (threadsFrom: number) => {
      const { db, roundId } = setup()
      const checked = await checkCommentFile(db, roundId, csvFile(rows), 'csv')
      if (!checked.ok) throw new Error(JSON.stringify(checked.errors))
      const result = await importComments(db, roundId, checked.rows, null, { threadsFrom })
      if (!result.ok) throw new Error(JSON.stringify(result.errors))
      const list = roundComments(db, roundId).map((row) => ({
        text: row.text,
        declared: row.declaredLanguage,
        detected: row.detectedLanguage,
        textHash: row.textHash,
        minhash: row.minhash,
        group: row.duplicateGroupId,
      }))
      const links = db
        .select({ commentId: commentConcerns.commentId, source: commentConcerns.source, score: commentConcerns.score })
        .from(commentConcerns)
        .orderBy(asc(commentConcerns.commentId), asc(commentConcerns.concernId), asc(commentConcerns.source))
        .all()
      const model = db.select({ state: concernModels.state }).from(concernModels).get()
      const { firstId: _first, lastId: _last, ...summary } = result
      return { list, links, model, summary }
    }
    const here = await stored(Number.POSITIVE_INFINITY)
    const threads = await stored(1)
    expect(here.list.some((row) => row.group !== null)).toBe(true)
    expect(here.links.some((link) => link.source === 'suggested')).toBe(true)
    expect(here.list.filter((row) => row.detected === 'fr').length).toBeGreaterThan(0)
    expect(threads).toEqual(here)
  }, 60_000)

  it('stores rows as the threads analyse them (stream) exactly as after the analysis here', async () => {
    // Enough distinct texts for several batches of the threads, so that rows wait for later batches.
    const texts = [...BREXIT, ...FRENCH_AND_CHINESE]
    const textOf = (i: number) => `${texts[i % texts.length]!} (${i})`
    const rows = Array.from({ length: 700 }, (_, i) => ({
      external_id: `s${i}`,
      stakeholder_category: i % 2 ? 'research' : 'government',
      language: i % 3 ? '' : 'en',
      // Every fifth row repeats an earlier one (a campaign); the others are new texts.
      text: i % 5 === 4 ? textOf(i - 3) : textOf(i),
      concerns: i % 11 === 0 ? 'privacy' : '',
    }))
    const stored = async (options: { threadsFrom?: number; stream?: boolean; threads?: AnalysisThreads }) => {
      const { db, roundId } = setup()
      const checked = await checkCommentFile(db, roundId, csvFile(rows), 'csv')
      if (!checked.ok) throw new Error(JSON.stringify(checked.errors))
      const progress: string[] = []
      const result = await importComments(db, roundId, checked.rows, null, { ...options, onProgress: (p) => progress.push(p.phase) })
      if (!result.ok) throw new Error(JSON.stringify(result.errors))
      const { firstId: _first, lastId: _last, ...summary } = result
      return {
        comments: roundComments(db, roundId).map((row) => [row.externalId, row.detectedLanguage, row.minhash, row.duplicateGroupId]),
        links: db
          .select({ commentId: commentConcerns.commentId, concernId: commentConcerns.concernId, source: commentConcerns.source, score: commentConcerns.score })
          .from(commentConcerns)
          .orderBy(asc(commentConcerns.commentId), asc(commentConcerns.concernId), asc(commentConcerns.source))
          .all(),
        model: db.select({ state: concernModels.state }).from(concernModels).get(),
        summary,
        phases: [...new Set(progress)],
      }
    }
    const here = await stored({ threadsFrom: Number.POSITIVE_INFINITY })
    // A pool started before the file was read, as the command line starts it, and closed by its starter.
    const threads = new AnalysisThreads(2)
    const streamed = await stored({ threadsFrom: 1, stream: true, threads })
    await threads.close()
    expect(here.summary.grouped).toBeGreaterThan(100)
    expect(here.comments.filter((row) => row[1] === 'fr').length).toBeGreaterThan(0)
    expect(streamed.phases).toEqual(['saving'])
    expect({ ...streamed, phases: null }).toEqual({ ...here, phases: null })
  }, 60_000)

  it('fails a streamed analysis when a thread fails, and tells why', async () => {
    const { db, roundId } = setup()
    const model = loadModel(db, roundId)
    const threads = new AnalysisThreads(1)
    try {
      const good = { text: BREXIT[0]!, language: 'en', labelled: false }
      // No text at all: analyseComment throws in the thread.
      const reader = threads.stream([good, { text: undefined as unknown as string, language: null, labelled: false }], model)
      expect(() => reader.at(0)).toThrow(/undefined/)
    } finally {
      await threads.close()
    }
  }, 60_000)

  it('gives in the worker threads alone what analyseComment gives here', async () => {
    const { db, roundId } = setup()
    const model = loadModel(db, roundId)
    const inputs = [...BREXIT, ...FRENCH_AND_CHINESE].flatMap((text) => [
      { text, language: null, labelled: false },
      { text, language: 'en', labelled: true },
    ])
    let done = 0
    const threads = new AnalysisThreads(2)
    const results = await threads.analyse(inputs, model, (count) => (done = count), { here: false }).finally(() => threads.close())
    expect(done).toBe(inputs.length)
    expect(results).toEqual(inputs.map((input) => analyseComment(input, model)))
    expect(results.some((result) => result.suggestions.length > 0)).toBe(true)
  }, 60_000)

  it('groups a file into a round that has comments in memory exactly as through the database', async () => {
    const texts = [...BREXIT, ...FRENCH_AND_CHINESE]
    // The round's earlier comments: repeats and near repeats among them, so some are grouped already.
    const before = texts.flatMap((text, i) => [
      { external_id: `b${i}`, stakeholder_category: 'research', text },
      ...(i % 2 ? [{ external_id: `b${i}-again`, stakeholder_category: 'government', text: `${text} Indeed.` }] : []),
    ])
    // The file: texts of the round again, exactly and nearly, new ones, and repeats within the file.
    const file = texts.flatMap((text, i) => [
      { external_id: `f${i}`, stakeholder_category: 'research', text: i % 3 ? text : `${text} Really.` },
      { external_id: `f${i}-new`, stakeholder_category: 'government', text: `A new comment number ${i}: ${[...text].reverse().join('')}` },
      { external_id: `f${i}-repeat`, stakeholder_category: 'government', text: `A new comment number ${i}: ${[...text].reverse().join('')}` },
    ])
    const grouped = async (groupInMemoryUpTo: number) => {
      const { db, roundId } = setup()
      await importFile(db, roundId, csvFile(before))
      const checked = await checkCommentFile(db, roundId, csvFile(file), 'csv')
      if (!checked.ok) throw new Error(JSON.stringify(checked.errors))
      const result = await importComments(db, roundId, checked.rows, null, { groupInMemoryUpTo })
      if (!result.ok) throw new Error(JSON.stringify(result.errors))
      return {
        comments: roundComments(db, roundId).map((row) => [row.id, row.duplicateGroupId]),
        groups: db.select().from(duplicateGroups).orderBy(asc(duplicateGroups.id)).all().map(({ createdAt: _createdAt, ...group }) => group),
        grouped: result.grouped,
      }
    }
    const inMemory = await grouped(Number.POSITIVE_INFINITY)
    const throughDatabase = await grouped(0)
    expect(inMemory.grouped).toBeGreaterThan(file.length / 3)
    expect(inMemory.groups.some((group) => group.kind === 'near')).toBe(true)
    expect(inMemory).toEqual(throughDatabase)
  }, 60_000)
})
