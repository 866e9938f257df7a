/**
 * What importing computes for a comment before it is stored, without the database, so that it can
 * run in worker threads (analysis.worker.js): the detected language (when the file gave none; a
 * given language is not second-guessed, DESIGN.md), the duplicate fingerprints and the suggested
 * concerns with their scores.
 */
import { suggestFor, type ConcernModel } from '~/modules/concerns/model'
import { minhash, normalizeForDuplicates, textHash } from '~/modules/moderation/duplicates'
import { detectLanguage } from './language.server'

export type AnalysisInput = { text: string; language: string | null; labelled: boolean }

export type Analysed = {
  detected: string | null
  textHash: string
  minhash: string | null
  suggestions: { key: string; score: number }[]
  /** The comment's features, kept only when the model learns from it (the file gave its concerns). */
  tokens: string[] | null
}

export function analyseComment(input: AnalysisInput, model: ConcernModel): Analysed {
  const detected = input.language ? null : detectLanguage(input.text)
  const normalized = normalizeForDuplicates(input.text)
  const result = suggestFor(input.text, input.language ?? detected, model)
  return {
    detected,
    textHash: textHash(normalized),
    minhash: minhash(normalized),
    suggestions: result.suggested.map(({ key, score }) => ({ key, score })),
    tokens: input.labelled ? result.tokens : null,
  }
}
