import { eq } from 'drizzle-orm'
import { clauses, clauseTranslations, normVersions, normVersionTranslations } from '#db/schema/index'
import { createTestDb } from '~/test/db'
import type { Db } from '~/utils/db.server'
import {
  compareVersions,
  createNorm,
  createVersionFrom,
  freezeVersion,
  FrozenVersionError,
  getReadableVersion,
  getVersionForEditing,
  importDraft,
  listNormVersions,
  listVersionsOfNorm,
  saveVersionTranslation,
  setClauseTranslation,
  setVersionTranslation,
  translationCoverage,
  updateDraft,
  type DraftContent,
} from './norms.server'

const draft: DraftContent = {
  title: 'Norms of responsible behaviour',
  preamble: 'The States, recalling their commitments,',
  sourceLanguage: 'en',
  clauses: [
    { label: '1', heading: 'Cooperation', text: 'States should cooperate.' },
    { label: '2', heading: null, text: 'States should share information on threats.' },
    { label: '2.a', heading: null, text: 'Information should be shared within 72 hours.' },
  ],
}

function clauseIds(db: Db, versionId: number) {
  return new Map(
    db
      .select({ id: clauses.id, label: clauses.label })
      .from(clauses)
      .where(eq(clauses.versionId, versionId))
      .all()
      .map((row) => [row.label, row.id]),
  )
}

function translate(db: Db, versionId: number, language: string) {
  setVersionTranslation(db, versionId, language, `Title (${language})`, `Preamble (${language})`)
  for (const [label, clauseId] of clauseIds(db, versionId)) {
    setClauseTranslation(db, { clauseId, language, text: `Clause ${label} (${language})`, userId: null })
  }
}

describe('createNorm', () => {
  it('stores the first version with its clauses in order', () => {
    const db = createTestDb()
    const versionId = createNorm(db, draft, null)
    const found = getVersionForEditing(db, versionId)!
    expect(found.version).toMatchObject({ number: 1, title: draft.title, preamble: draft.preamble, frozenAt: null })
    expect(found.clauses.map((clause) => [clause.position, clause.label, clause.heading, clause.text])).toEqual([
      [0, '1', 'Cooperation', 'States should cooperate.'],
      [1, '2', null, 'States should share information on threats.'],
      [2, '2.a', null, 'Information should be shared within 72 hours.'],
    ])
    expect(found.usedByRounds).toEqual([])
  })
})

describe('updateDraft', () => {
  it('replaces the text while the version is not frozen, then refuses with FrozenVersionError', () => {
    const db = createTestDb()
    const versionId = createNorm(db, draft, null)
    const changed = {
      ...draft,
      title: 'Revised title',
      clauses: [...draft.clauses, { label: '3', heading: null, text: 'New.' }],
    }
    expect(updateDraft(db, versionId, changed)).toBe(true)
    expect(getVersionForEditing(db, versionId)!.clauses.map((clause) => clause.label)).toEqual(['1', '2', '2.a', '3'])

    freezeVersion(db, versionId)
    expect(() => updateDraft(db, versionId, { ...draft, title: 'Too late' })).toThrow(FrozenVersionError)
    const after = getVersionForEditing(db, versionId)!
    expect(after.version.title).toBe('Revised title')
    expect(after.clauses).toHaveLength(4)
  })

  it('returns false for a version that does not exist', () => {
    const db = createTestDb()
    expect(updateDraft(db, 999, draft)).toBe(false)
  })

  it('keeps the translation of an unchanged clause and drops the stale one of a changed clause', () => {
    const db = createTestDb()
    const versionId = createNorm(db, draft, null)
    translate(db, versionId, 'fr')
    updateDraft(db, versionId, {
      ...draft,
      clauses: draft.clauses.map((clause) =>
        clause.label === '2' ? { ...clause, text: 'States must share information.' } : clause,
      ),
    })
    const fr = getReadableVersion(db, versionId, 'fr')!
    expect(fr.clauses.map((clause) => [clause.label, clause.translated, clause.text])).toEqual([
      ['1', true, 'Clause 1 (fr)'],
      ['2', false, 'States must share information.'],
      ['2.a', true, 'Clause 2.a (fr)'],
    ])
  })
})

describe('createVersionFrom', () => {
  it('copies the clauses and every translation into a new, editable version', () => {
    const db = createTestDb()
    const first = createNorm(db, draft, null)
    translate(db, first, 'fr')
    translate(db, first, 'ar')
    freezeVersion(db, first)
    const second = createVersionFrom(db, first, null)!
    const copy = getVersionForEditing(db, second)!
    expect(copy.version).toMatchObject({ number: 2, basedOnVersionId: first, frozenAt: null, title: draft.title })
    expect(copy.clauses.map((clause) => [clause.label, clause.heading, clause.text])).toEqual(
      draft.clauses.map((clause) => [clause.label, clause.heading, clause.text]),
    )
    expect(copy.translations).toHaveLength(6)
    expect(copy.versionTranslations.map((row) => row.language).sort()).toEqual(['ar', 'fr'])
    // The copy's translations belong to the copy's clauses, not the original's.
    const ids = new Set(copy.clauses.map((clause) => clause.id))
    expect(copy.translations.every((row) => ids.has(row.clauseId))).toBe(true)
    expect(getReadableVersion(db, second, 'fr')!.clauses[2]!.text).toBe('Clause 2.a (fr)')
    expect(listVersionsOfNorm(db, copy.version.normId).map((version) => version.number)).toEqual([1, 2])
    // The new version can be edited; the old one stays as it was.
    expect(updateDraft(db, second, { ...draft, title: 'Second reading text' })).toBe(true)
    expect(getVersionForEditing(db, first)!.version.title).toBe(draft.title)
  })

  it('returns null for a version that does not exist', () => {
    expect(createVersionFrom(createTestDb(), 12345, null)).toBeNull()
  })
})

describe('getReadableVersion', () => {
  it('shows the translation where there is one and falls back to the source, flagged, where not', () => {
    const db = createTestDb()
    const versionId = createNorm(db, draft, null)
    const ids = clauseIds(db, versionId)
    setClauseTranslation(db, {
      clauseId: ids.get('1')!,
      language: 'es',
      heading: 'Cooperación',
      text: 'Los Estados deberían cooperar.',
      userId: null,
    })
    const es = getReadableVersion(db, versionId, 'es')!
    expect(es.title).toBe(draft.title)
    expect(es.titleLanguage).toBe('en')
    expect(es.clauses[0]).toMatchObject({
      heading: 'Cooperación',
      text: 'Los Estados deberían cooperar.',
      language: 'es',
      translated: true,
    })
    expect(es.clauses[1]).toMatchObject({
      text: 'States should share information on threats.',
      language: 'en',
      translated: false,
    })

    const en = getReadableVersion(db, versionId, 'en')!
    expect(en.clauses.every((clause) => clause.translated && clause.language === 'en')).toBe(true)
    expect(getReadableVersion(db, 999, 'en')).toBeNull()
  })
})

describe('compareVersions', () => {
  it('marks clauses unchanged, changed (with word changes), added and removed, matched by label', () => {
    const db = createTestDb()
    const first = createNorm(db, draft, null)
    const second = createVersionFrom(db, first, null)!
    updateDraft(db, second, {
      ...draft,
      clauses: [
        { label: '1', heading: 'Cooperation', text: 'States should cooperate.' },
        { label: '2', heading: null, text: 'States must share information on threats.' },
        { label: '3', heading: null, text: 'States should assist each other.' },
      ],
    })
    const result = compareVersions(db, first, second)
    expect(result.map((clause) => [clause.label, clause.status])).toEqual([
      ['1', 'unchanged'],
      ['2', 'changed'],
      ['3', 'added'],
      ['2.a', 'removed'],
    ])
    const changed = result[1]!
    if (changed.status !== 'changed') throw new Error('expected a change')
    expect(changed.changes.filter((part) => part.removed).map((part) => part.value.trim())).toEqual(['should'])
    expect(changed.changes.filter((part) => part.added).map((part) => part.value.trim())).toEqual(['must'])
    expect(
      changed.changes
        .filter((part) => !part.added)
        .map((part) => part.value)
        .join(''),
    ).toBe('States should share information on threats.')
  })
})

describe('listNormVersions', () => {
  it('lists every version, newest norm and number first, with its own clause count', () => {
    const db = createTestDb()
    const first = createNorm(db, draft, null)
    const second = createVersionFrom(db, first, null)!
    updateDraft(db, second, { ...draft, clauses: draft.clauses.slice(0, 2) })
    const other = createNorm(db, { ...draft, title: 'Other', clauses: draft.clauses.slice(0, 1) }, null)
    expect(listNormVersions(db).map((row) => [row.versionId, row.number, row.clauseCount])).toEqual([
      [other, 1, 1],
      [second, 2, 2],
      [first, 1, 3],
    ])
  })
})

describe('importDraft', () => {
  it('stores a valid Markdown draft as a new norm, with a title given to replace the file’s', () => {
    const db = createTestDb()
    const result = importDraft(
      db,
      '# From the file\n\nPreamble.\n\n1. One.\n\n2.a) Two a.\n',
      { sourceLanguage: 'fr', title: 'Given' },
      null,
    )
    if (!result.ok) throw new Error(JSON.stringify(result.errors))
    const found = getVersionForEditing(db, result.versionId)!
    expect(found.version).toMatchObject({ title: 'Given', preamble: 'Preamble.', sourceLanguage: 'fr' })
    expect(found.clauses.map((clause) => clause.label)).toEqual(['1', '2.a'])
  })

  it('stores nothing from a malformed draft and returns its errors with lines', () => {
    const db = createTestDb()
    const result = importDraft(db, '# T\n\n1. One.\n\n1. Again.\n', { sourceLanguage: 'en' }, null)
    expect(result).toEqual({
      ok: false,
      errors: [{ line: 5, key: 'markdown.duplicateLabel', values: { label: '1', first: 3 } }],
    })
    expect(listNormVersions(db)).toEqual([])
  })
})

describe('saveVersionTranslation', () => {
  it('saves title, preamble and clauses, writes only what changed, and removes emptied translations', () => {
    const db = createTestDb()
    const versionId = createNorm(db, draft, null)
    const ids = clauseIds(db, versionId)
    const first = saveVersionTranslation(
      db,
      {
        versionId,
        language: 'fr',
        title: 'Normes de comportement responsable',
        preamble: 'Les États,',
        clauses: [
          { id: ids.get('1')!, heading: 'Coopération', text: 'Les États devraient coopérer.' },
          { id: ids.get('2')!, heading: 'ignored: the clause has no heading', text: 'Les États devraient partager.' },
          { id: ids.get('2.a')!, text: '' },
        ],
      },
      null,
    )
    expect(first).toEqual({ ok: true, changed: 3 })
    const fr = getReadableVersion(db, versionId, 'fr')!
    expect(fr.title).toBe('Normes de comportement responsable')
    expect(fr.clauses.map((clause) => [clause.heading, clause.translated])).toEqual([
      ['Coopération', true],
      [null, true],
      [null, false],
    ])

    const again = saveVersionTranslation(
      db,
      {
        versionId,
        language: 'fr',
        title: 'Normes de comportement responsable',
        preamble: 'Les États,',
        clauses: [
          { id: ids.get('1')!, heading: 'Coopération', text: 'Les États devraient coopérer.' },
          { id: ids.get('2')!, text: '' },
        ],
      },
      null,
    )
    expect(again).toEqual({ ok: true, changed: 1 })
    expect(getReadableVersion(db, versionId, 'fr')!.clauses[1]!.translated).toBe(false)

    saveVersionTranslation(db, { versionId, language: 'fr', title: '', clauses: [] }, null)
    expect(db.select().from(normVersionTranslations).all()).toEqual([])
  })

  it('may translate a frozen version', () => {
    const db = createTestDb()
    const versionId = createNorm(db, draft, null)
    freezeVersion(db, versionId)
    const result = saveVersionTranslation(db, { versionId, language: 'zh', title: '负责任行为规范', clauses: [] }, null)
    expect(result.ok).toBe(true)
    expect(getReadableVersion(db, versionId, 'zh')!.title).toBe('负责任行为规范')
  })

  it('refuses a clause of another version, the source language and an unknown version, changing nothing', () => {
    const db = createTestDb()
    const mine = createNorm(db, draft, null)
    const other = createNorm(db, draft, null)
    const foreign = clauseIds(db, other).get('1')!
    const own = clauseIds(db, mine).get('1')!
    const tampered = saveVersionTranslation(
      db,
      {
        versionId: mine,
        language: 'ru',
        title: 'Нормы',
        clauses: [
          { id: own, text: 'Текст' },
          { id: foreign, text: 'Чужой' },
        ],
      },
      null,
    )
    expect(tampered).toEqual({ ok: false, error: 'clauseUnknown' })
    expect(db.select().from(clauseTranslations).all()).toEqual([])
    expect(db.select().from(normVersionTranslations).all()).toEqual([])
    expect(saveVersionTranslation(db, { versionId: mine, language: 'en', clauses: [] }, null)).toEqual({
      ok: false,
      error: 'sourceLanguage',
    })
    expect(saveVersionTranslation(db, { versionId: 999, language: 'fr', clauses: [] }, null)).toEqual({
      ok: false,
      error: 'versionUnknown',
    })
  })
})

describe('translationCoverage', () => {
  it('counts translated clauses and the title per version and language', () => {
    const db = createTestDb()
    const first = createNorm(db, draft, null)
    const second = createNorm(db, draft, null)
    translate(db, first, 'fr')
    const ids = clauseIds(db, second)
    setClauseTranslation(db, { clauseId: ids.get('2')!, language: 'ar', text: 'نص', userId: null })
    expect(translationCoverage(db, [first, second])).toEqual([
      { versionId: first, language: 'fr', clauses: 3, title: true },
      { versionId: second, language: 'ar', clauses: 1, title: false },
    ])
    expect(translationCoverage(db, [])).toEqual([])
    expect(db.select({ n: normVersions.id }).from(normVersions).all()).toHaveLength(2)
  })
})
