import { franc } from 'franc'

/**
 * The language of a text as a BCP 47 tag, or null when the text is too short to tell. franc ships
 * its own trigram models (ISO 639-3); Intl's CLDR aliases turn "fra" into "fr" and "cmn" into "zh".
 */
export function detectLanguage(text: string): string | null {
  const code = franc(text, { minLength: 12 })
  if (code === 'und') return null
  try {
    return Intl.getCanonicalLocales(code)[0] ?? code
  } catch {
    return code
  }
}
