/**
 * Sentences for synthetic comments. English, Chinese, French and German come from the real
 * consultations in ../shared/corpus (see its README for licences: the Polis conversations are
 * CC BY 4.0 with attribution to The Computational Democracy Project; the Regards Citoyens
 * contributions are ODbL; the cycling dialogues are CC BY 4.0 / CC BY-SA 4.0, Romberg & Escher);
 * Arabic, Russian and Spanish come from Concord's own demo comments and demo draft norm, as a
 * commenter quotes the draft (db/seed/content).
 */
import fs from 'node:fs'
import path from 'node:path'
import { parse } from 'csv-parse/sync'

export function corpusDir(projectRoot: string) {
  return process.env.CONCORD_CORPUS_DIR ?? path.resolve(projectRoot, '..', 'shared', 'corpus')
}

function sentences(text: string, language: string) {
  const segmenter = new Intl.Segmenter(language, { granularity: 'sentence' })
  return [...segmenter.segment(text.replace(/\s+/g, ' '))]
    .map((part) => part.segment.trim())
    .filter((sentence) => [...sentence].length >= 12 && [...sentence].length <= 400)
}

function column(file: string, name: string) {
  const rows = parse(fs.readFileSync(file, 'utf8'), { columns: true, skip_empty_lines: true, relax_quotes: true }) as Record<
    string,
    string
  >[]
  return rows.map((row) => row[name] ?? '').filter(Boolean)
}

export function loadSentences(projectRoot: string): Record<string, string[]> {
  const dir = corpusDir(projectRoot)
  const result: Record<string, string[]> = {}
  const add = (language: string, texts: string[]) => {
    result[language] = [...(result[language] ?? []), ...texts.flatMap((text) => sentences(text, language))]
  }
  add('en', column(path.join(dir, 'en-brexit-consensus-comments.csv'), 'comment-body'))
  add('en', column(path.join(dir, 'en-canadian-electoral-reform-comments.csv'), 'comment-body'))
  add('zh', column(path.join(dir, 'zh-vtaiwan-uberx-comments.csv'), 'comment-body'))
  add('fr', column(path.join(dir, 'fr-regardscitoyens-egalite-syntheses.csv'), 'text'))
  add('de', column(path.join(dir, 'de-cycling-dialogues.csv'), 'text'))
  const demo = JSON.parse(fs.readFileSync(path.join(projectRoot, 'db', 'seed', 'content', 'comments.json'), 'utf8')) as {
    language: string
    text: string
  }[]
  const norm = JSON.parse(fs.readFileSync(path.join(projectRoot, 'db', 'seed', 'content', 'norm.json'), 'utf8')) as {
    preamble: Record<string, string>
    clauses: { text: Record<string, string> }[]
    guidingQuestions: Record<string, string>[]
  }
  for (const language of ['ar', 'ru', 'es']) {
    add(language, demo.filter((c) => c.language === language).map((c) => c.text))
    add(language, [norm.preamble, ...norm.clauses.map((clause) => clause.text), ...norm.guidingQuestions].map((texts) => texts[language] ?? ''))
  }
  for (const [language, list] of Object.entries(result)) result[language] = [...new Set(list)]
  return result
}
