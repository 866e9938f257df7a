import fs from 'node:fs'
import path from 'node:path'
import { parse } from 'csv-parse/sync'
import { franc } from 'franc'
import { corpusDir } from '~/modules/concerns/eval'
import { DETECTABLE, DETECTION_SAMPLE, detectLanguage } from './language.server'

/**
 * The real comments of ../shared/corpus (see its README for their sources and licences), each with
 * the language its consultation was held in.
 */
function corpus() {
  const dir = corpusDir()
  const read = (file: string, column: string, language: string) =>
    (parse(fs.readFileSync(path.join(dir, file), 'utf8'), { columns: true, skip_empty_lines: true, relax_quotes: true }) as Record<string, string>[])
      .map((row) => row[column] ?? '')
      .filter((text) => [...text.trim()].length >= 12)
      .map((text) => ({ text, language }))
  return [
    ...read('en-brexit-consensus-comments.csv', 'comment-body', 'en'),
    ...read('en-canadian-electoral-reform-comments.csv', 'comment-body', 'en'),
    ...read('fr-regardscitoyens-egalite-syntheses.csv', 'text', 'fr'),
    ...read('zh-vtaiwan-uberx-comments.csv', 'comment-body', 'zh'),
    ...read('de-cycling-dialogues.csv', 'text', 'de'),
  ]
}

/** franc as it was called before: every language it knows, the whole text (up to its own 2,048). */
function unrestricted(text: string) {
  const code = franc(text, { minLength: 12 })
  return code === 'und' ? null : (Intl.getCanonicalLocales(code)[0] ?? code)
}

describe('language detection on the corpus', () => {
  const texts = corpus()

  it('is offered the languages a comment may be declared in, the UN six among them', () => {
    expect(DETECTABLE).toEqual(expect.arrayContaining(['arb', 'cmn', 'eng', 'fra', 'rus', 'spa', 'deu']))
    // Not, say, Scots or Tagalog, which no form offers.
    expect(DETECTABLE).not.toContain('sco')
    expect(DETECTABLE).not.toContain('tgl')
  })

  it('names the language of the consultation for nearly every comment, and as often as franc unrestricted does', () => {
    const long = texts.filter(({ text }) => text.length > DETECTION_SAMPLE)
    // The corpus holds comments long enough for the sample to matter.
    expect(long.length).toBeGreaterThan(500)
    let right = 0
    let rightBefore = 0
    for (const { text, language } of texts) {
      if (detectLanguage(text) === language) right++
      if (unrestricted(text) === language) rightBefore++
    }
    expect(right / texts.length).toBeGreaterThan(0.97)
    expect(right).toBeGreaterThanOrEqual(rightBefore)
  }, 60_000)

  it('gives a long comment the language its whole text gives', () => {
    const long = texts.filter(({ text }) => text.length > DETECTION_SAMPLE)
    const whole = (text: string) => {
      const code = franc(text, { minLength: 12, only: DETECTABLE })
      return code === 'und' ? null : Intl.getCanonicalLocales(code)[0]
    }
    const same = long.filter(({ text }) => detectLanguage(text) === whole(text)).length
    expect(same / long.length).toBeGreaterThan(0.99)
  }, 60_000)
})
