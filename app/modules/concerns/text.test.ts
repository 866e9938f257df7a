import fs from 'node:fs'
import path from 'node:path'
import { parse } from 'csv-parse/sync'
import { projectRoot } from '~/utils/paths.server'
import { corpusDir } from './eval'
import { analyze, analyzeWhole, fold, isStopWord, primaryLanguage, stem, stripMarks, tokenize } from './text'

const words = (text: string, language: string) => analyze(text, language).words.map((w) => w.form)
const stems = (list: string[], language: string) => list.map((w) => analyze(w, language).words[0]!.stem)

describe('segmentation', () => {
  test('Chinese is split into dictionary words, not characters or one block', () => {
    expect(words('个人数据保护与言论自由', 'zh')).toEqual(expect.arrayContaining(['个人', '数据', '保护', '言论', '自由']))
  })

  test('Chinese tokens also carry character bigrams, whatever the segmenter cut', () => {
    // The segmenter cuts 归因 (attribution) into two characters; the bigram keeps the word.
    const tokens = tokenize('归因问题技术上高度复杂', 'zh')
    expect(tokens).toContain('归因')
    expect(tokens).toContain('问题')
  })

  test('Thai and Japanese are split into words', () => {
    expect(words('การคุ้มครองข้อมูลส่วนบุคคล', 'th')).toEqual(expect.arrayContaining(['การ', 'คุ้มครอง', 'ข้อมูล']))
    expect(words('個人データの保護は重要です', 'ja')).toEqual(expect.arrayContaining(['個人', 'データ', '保護']))
  })

  test('French elisions are split off the word', () => {
    expect(words("Droits de l'homme et liberté d’expression", 'fr')).toEqual([
      'droits', 'de', 'l', 'homme', 'et', 'liberté', 'd', 'expression',
    ])
  })

  test('punctuation and spaces are not words', () => {
    expect(words('Security — and stability!', 'en')).toEqual(['security', 'and', 'stability'])
  })
})

describe('normalisation', () => {
  test('NFKC and case folding', () => {
    expect(fold('ＰＲＩＶＡＣＹ Ｅｘａｍｐｌｅ')).toBe('privacy example')
    expect(fold('ΟΔΟΣ')).toBe('οδοσ')
  })

  test('diacritics of Latin and Cyrillic letters and Arabic vowel marks go in the loose form', () => {
    expect(stripMarks('économique')).toBe('economique')
    expect(stripMarks('ещё')).toBe('еще')
    // Hamza over or under alef is a mark in NFD: alef variants fold together (أ إ آ → ا).
    expect(stripMarks('الأَمْن')).toBe('الامن')
    expect(stripMarks('إجراءات')).toBe(stripMarks('اجراءات'))
  })

  test('marks that are vowels in Thai or Devanagari are kept', () => {
    expect(stripMarks('ข้อมูล')).toBe('ข้อมูล')
    expect(stripMarks('सुरक्षा')).toBe('सुरक्षा')
  })

  test('language tags are reduced to their primary subtag', () => {
    expect(primaryLanguage('fr-CA')).toBe('fr')
    expect(primaryLanguage('zh-Hant-TW')).toBe('zh')
    expect(primaryLanguage('')).toBe('und')
    expect(primaryLanguage(null)).toBe('und')
  })
})

describe('stemming collapses inflections', () => {
  test('Arabic: article, prepositions and conjunction before the article', () => {
    expect(new Set(stems(['الحوادث', 'للحوادث', 'حوادث'], 'ar')).size).toBe(1)
    expect(new Set(stems(['الخصوصية', 'خصوصية', 'بالخصوصية'], 'ar')).size).toBe(1)
    expect(new Set(stems(['التشفير', 'والتشفير', 'تشفير'], 'ar')).size).toBe(1)
  })

  test('Russian: cases of one noun', () => {
    expect(new Set(stems(['безопасность', 'безопасности', 'безопасностью'], 'ru')).size).toBe(1)
    expect(new Set(stems(['атака', 'атаки', 'атакам'], 'ru')).size).toBe(1)
  })

  test('French: plural and feminine', () => {
    expect(new Set(stems(['données', 'donnée'], 'fr')).size).toBe(1)
    expect(new Set(stems(['économique', 'économiques'], 'fr')).size).toBe(1)
  })

  test('Spanish, English and German', () => {
    expect(new Set(stems(['económico', 'económicos'], 'es')).size).toBe(1)
    expect(new Set(stems(['costs', 'cost'], 'en')).size).toBe(1)
    expect(new Set(stems(['Radwege', 'Radweg'], 'de')).size).toBe(1)
  })

  test('no stemmer: the word stays as it is', () => {
    expect(stem('데이터를', 'ko')).toBe('데이터를')
  })
})

describe('tokenize', () => {
  test('drops stop words and bare numbers, keeps stems', () => {
    expect(tokenize('The privacy of the data for 72 hours', 'en')).toEqual(['privaci', 'data', 'hour'])
    expect(isStopWord('the', 'en')).toBe(true)
    expect(isStopWord('privacy', 'en')).toBe(false)
  })

  test('is deterministic', () => {
    const text = 'Les États devraient protéger la vie privée et les données personnelles.'
    expect(tokenize(text, 'fr')).toEqual(tokenize(text, 'fr'))
  })

  test('works on a text whose language is unknown', () => {
    expect(tokenize('Critical infrastructure', null)).toEqual(['critical', 'infrastructure'])
  })
})

describe('analysis by pieces', () => {
  /** The same words (the very objects, which the cache shares) and the same loose text as segmenting the whole text. */
  const same = (text: string, language: string | null) => {
    const pieces = analyze(text, language)
    const whole = analyzeWhole(text, language)
    return pieces.language === whole.language && pieces.loose === whole.loose && pieces.words.length === whole.words.length && pieces.words.every((w, i) => w === whole.words[i])
  }

  test('gives the words of the whole text where a space is followed by marks, joiners, other spaces or nothing', () => {
    const tricky = [
      'a  b   c', ' leading and trailing ', 'tab\tand\nnew line \r\n end', 'e \u0301 accent', 'zero \u200dwidth \u200cjoiner \u2060',
      'non\u00a0breaking \u00a0space', 'emoji 👍 🏽 thumbs 👍🏽 🇫🇷 🇫 🇷 flags', "l' homme et l'homme d' expression", 'ｶﾞ ｶ ﾞ half width',
      '个人数据 保护与 言论自由', 'การคุ้มครอง ข้อมูล ส่วนบุคคล', '個人データ の 保護', 'e.g. a. b 3 .5 3. 5 1,000 000', "don't can' t",
      'ΟΔΟΣ ΣΟΣ Σ', 'الأَمْن  والتشفير ـ', 'x \ufe0f y \u0300', '',
    ]
    for (const text of tricky) for (const language of ['en', 'fr', 'zh', 'th', 'ja', 'ar', 'el', null]) expect([text, language, same(text, language)]).toEqual([text, language, true])
  })

  test('gives the words of the whole text for every comment of the corpus and the demo, alone and joined', () => {
    const dir = corpusDir()
    const read = (file: string, column: string, language: string) =>
      (parse(fs.readFileSync(path.join(dir, file), 'utf8'), { columns: true, skip_empty_lines: true, relax_quotes: true }) as Record<string, string>[]).map((row) => ({
        text: row[column] ?? '',
        language,
      }))
    const demo = JSON.parse(fs.readFileSync(path.join(projectRoot, 'db', 'seed', 'content', 'comments.json'), 'utf8')) as { text: string; language: string }[]
    const texts = [
      ...read('en-brexit-consensus-comments.csv', 'comment-body', 'en'),
      ...read('en-canadian-electoral-reform-comments.csv', 'comment-body', 'en'),
      ...read('fr-regardscitoyens-egalite-syntheses.csv', 'text', 'fr'),
      ...read('zh-vtaiwan-uberx-comments.csv', 'comment-body', 'zh'),
      ...read('de-cycling-dialogues.csv', 'text', 'de'),
      ...demo,
    ]
    expect(texts.length).toBeGreaterThan(3000)
    const differing = texts.filter(({ text, language }, i) => {
      const next = texts[(i + 1) % texts.length]!.text
      return !same(text, language) || !same(text, null) || !same(`${text} ${next}`, language) || !same(`${text}${next}`, 'zh')
    })
    expect(differing).toEqual([])
  }, 120_000)
})
