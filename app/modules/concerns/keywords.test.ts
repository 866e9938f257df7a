import { DEFAULT_TAXONOMY, type TaxonomyEntry } from './default-taxonomy'
import { compileKeywords, countHits, findKeywords } from './keywords'

const index = compileKeywords(DEFAULT_TAXONOMY)
const keysOf = (text: string, language: string | null) => [...new Set(findKeywords(index, text, language).map((h) => h.key))]

describe('keyword hints in the six languages, on sentences like the demo comments', () => {
  test('English', () => {
    const text =
      'Mandatory reporting on that timeline diverts scarce responders into paperwork and exposes companies to liability for preliminary findings.'
    expect(keysOf(text, 'en')).toEqual(expect.arrayContaining(['economic_impact', 'transparency_verification']))
  })

  test('French', () => {
    const text =
      "Les rapporteurs spéciaux ont souligné le rôle essentiel du chiffrement pour l'exercice du droit à la vie privée et de la liberté d'expression."
    expect(keysOf(text, 'fr')).toEqual(expect.arrayContaining(['privacy', 'human_rights']))
  })

  test('Spanish', () => {
    const text =
      'Hemos documentado el uso de programas espía contra periodistas y personas defensoras de derechos humanos; el acceso a las comunicaciones cifradas normaliza esos abusos.'
    expect(keysOf(text, 'es')).toEqual(expect.arrayContaining(['human_rights']))
  })

  test('Russian: inflected forms of the keywords', () => {
    const text =
      'Публичные обвинения государств в кибератаках без представления доказательств подрывают доверие и могут привести к эскалации.'
    expect(keysOf(text, 'ru')).toEqual(expect.arrayContaining(['accountability_attribution', 'security_stability']))
  })

  test('Arabic: keywords with the article, the text with prepositions and conjunctions', () => {
    const text =
      'يفتح هذا البند الباب أمام المراقبة الجماعية. وتُستخدم قوانين الأمن لملاحقة الصحفيين والمدافعين عن حقوق الإنسان، وإن إضعاف التشفير يعرّض الناشطين للخطر.'
    expect(keysOf(text, 'ar')).toEqual(expect.arrayContaining(['privacy', 'human_rights']))
  })

  test('Chinese: keywords found inside unsegmented text', () => {
    const text = '归因问题技术上高度复杂，个别国家在缺乏证据的情况下公开指责他国。'
    expect(keysOf(text, 'zh')).toEqual(['accountability_attribution'])
    expect(keysOf('关键基础设施运营者及时报告重大事件', 'zh')).toEqual(
      expect.arrayContaining(['security_stability', 'transparency_verification']),
    )
  })

  test('a comment with none of the keywords has no hint', () => {
    expect(keysOf('We thank the chair for the draft and look forward to the next meeting.', 'en')).toEqual([])
  })
})

describe('matching rules', () => {
  const taxonomy: TaxonomyEntry[] = [
    { key: 'costs', labels: { en: 'Costs' }, keywords: { en: ['cost', 'freedom of expression'], fr: ['économique'] } },
    { key: 'lights', labels: { en: 'Traffic lights' }, keywords: { de: ['Ampel', 'grüne Welle'] } },
    { key: 'crypto', labels: { en: 'Encryption' }, keywords: { ru: ['шифровани'], en: ['privacy'] } },
  ]
  const small = compileKeywords(taxonomy)
  const hits = (text: string, language: string) => findKeywords(small, text, language).map((h) => h.keyword)

  test('stems in the comment\'s language: "costs" finds "cost"', () => {
    expect(hits('The costs are high', 'en')).toEqual(['cost'])
  })

  test('short keywords do not match as prefixes: "cost" does not find "costume"', () => {
    expect(hits('A costume party', 'en')).toEqual([])
  })

  test('phrases need their words in a row, stop words included', () => {
    expect(hits('Freedom of Expression matters', 'en')).toEqual(['freedom of expression'])
    expect(hits('Freedom matters, and so does expression', 'en')).toEqual([])
  })

  test('diacritics do not matter: "economique" finds "économique"', () => {
    expect(hits("L'impact economique est lourd", 'fr')).toEqual(['économique'])
  })

  test('German compounds and inflections: Ampel in Fahrradampeln and Ampelschaltung', () => {
    expect(hits('Die Fahrradampeln sind zu kurz', 'de')).toEqual(['Ampel'])
    expect(hits('Die Ampelschaltung ist schlecht', 'de')).toEqual(['Ampel'])
    expect(hits('Wir wünschen uns eine grüne Welle', 'de')).toEqual(['grüne Welle'])
  })

  test('a keyword written as a stem matches as a prefix: "шифровани" in "шифрования"', () => {
    expect(hits('Ослабление шифрования опасно', 'ru')).toEqual(['шифровани'])
  })

  test('keywords of another language are found too (by their loose form)', () => {
    expect(hits('La privacy des utilisateurs', 'fr')).toEqual(['privacy'])
  })

  test('the same keyword under two languages counts once', () => {
    const twice = compileKeywords([{ key: 'security', labels: { en: 'Security' }, keywords: { en: ['incident'], fr: ['incident'] } }])
    expect(countHits(findKeywords(twice, 'A major incident', 'en'))).toEqual(new Map([['security', 1]]))
  })
})
