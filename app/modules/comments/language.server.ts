import { franc } from 'franc'
import { data } from 'franc/data.js'
import { expressions } from 'franc/expressions.js'
import { COMMENT_LANGUAGES } from './languages'

/**
 * franc's languages (ISO 639-3) whose canonical BCP 47 tag is one a comment may be declared in
 * ("arb" is "ar", "cmn" is "zh"). franc knows about 180 languages; comparing a text with each of
 * them cost about 2 ms a comment, and a text in a language Concord does not offer would only be
 * named by a tag the forms do not list. Languages written in a script of their own (Greek, Thai,
 * Korean…) are named by their script's key in franc's expressions; the others have trigram models.
 */
function detectableLanguages() {
  const declarable = new Set<string>(COMMENT_LANGUAGES)
  const codes = new Set([...Object.values(data).flatMap((models) => Object.keys(models)), ...Object.keys(expressions)])
  return [...codes].filter((code) => {
    try {
      return declarable.has(Intl.getCanonicalLocales(code)[0] ?? '')
    } catch {
      // A script's key that is not a language code ("Latin", "Cyrillic").
      return false
    }
  })
}

export const DETECTABLE = detectableLanguages()

/**
 * The characters of a text that detection looks at. Trigram statistics settle after a few hundred
 * characters (franc itself stops at 2,048); the first 400 name the language of the comments of the
 * corpus as the whole text does (language.test.ts), for a fifth of the work on a long comment.
 */
export const DETECTION_SAMPLE = 400

/**
 * The language of a text as a BCP 47 tag, or null when the text is too short to tell. franc ships
 * its own trigram models (ISO 639-3); Intl's CLDR aliases turn "fra" into "fr" and "cmn" into "zh".
 */
export function detectLanguage(text: string): string | null {
  const code = franc(sample(text), { minLength: 12, only: DETECTABLE })
  if (code === 'und') return null
  try {
    return Intl.getCanonicalLocales(code)[0] ?? code
  } catch {
    return code
  }
}

/** The first DETECTION_SAMPLE characters, not cutting a character made of two UTF-16 units in half. */
function sample(text: string) {
  if (text.length <= DETECTION_SAMPLE) return text
  const last = text.charCodeAt(DETECTION_SAMPLE - 1)
  return text.slice(0, last >= 0xd800 && last <= 0xdbff ? DETECTION_SAMPLE - 1 : DETECTION_SAMPLE)
}
