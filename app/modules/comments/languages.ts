import { displayNamesOf } from '~/utils/intl'

/**
 * Languages a comment may be declared in. Comments may be written in any language; the select offers
 * the UN languages and other widely written ones, named by Intl.DisplayNames in the reader's language
 * (no hand-written list of names), plus the comment's own tag when it is another one.
 */
export const COMMENT_LANGUAGES = [
  'ar', 'zh', 'en', 'fr', 'ru', 'es',
  'am', 'bn', 'de', 'el', 'fa', 'ha', 'he', 'hi', 'id', 'it', 'ja', 'ko', 'ms', 'nl', 'pl', 'pt', 'ro', 'sv', 'sw', 'th', 'tr', 'uk', 'ur', 'vi', 'yo',
] as const

/** BCP 47 tags as the forms accept them: "fr", "zh-Hant", "pt-BR", "yue". */
export const LANGUAGE_TAG = /^[a-zA-Z]{2,3}(?:-[a-zA-Z0-9]{2,8})*$/

/** A language's name in the reader's language ("French", "французский"), or its tag when unknown. */
export function languageName(code: string, readerLanguage: string) {
  try {
    return displayNamesOf(readerLanguage, { type: 'language', fallback: 'code' }).of(code) ?? code
  } catch {
    return code
  }
}

/** The choices of the comment-language select, sorted by name for the reader. */
export function commentLanguageOptions(readerLanguage: string, ...current: (string | null | undefined)[]) {
  const codes = new Set<string>(COMMENT_LANGUAGES)
  for (const code of current) if (code && LANGUAGE_TAG.test(code)) codes.add(code)
  const collator = new Intl.Collator(readerLanguage)
  return [...codes]
    .map((code) => ({ value: code, label: languageName(code, readerLanguage) }))
    .sort((a, b) => collator.compare(a.label, b.label))
}
