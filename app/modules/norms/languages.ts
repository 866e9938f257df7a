import { isLanguage, LANGUAGE_NAMES, SUPPORTED_LANGUAGES } from '~/modules/i18n/i18n'
import { displayNamesOf } from '~/utils/intl'

/** The UN languages as choices, each in its own name; a draft in another language keeps its tag. */
export function languageOptions(current?: string | null) {
  const options: { value: string; label: string; lang?: string }[] = SUPPORTED_LANGUAGES.map((code) => ({
    value: code,
    label: LANGUAGE_NAMES[code],
    lang: code,
  }))
  if (current && !isLanguage(current)) options.push({ value: current, label: current })
  return options
}

/** A language's name in the reader's language ("French", "французский"), or its tag when unknown. */
export function languageName(code: string, readerLanguage: string) {
  try {
    return displayNamesOf(readerLanguage, { type: 'language' }).of(code) ?? code
  } catch {
    return code
  }
}

/** The languages a text in `sourceLanguage` may be translated into. */
export function targetLanguages(sourceLanguage: string) {
  return SUPPORTED_LANGUAGES.filter((code) => code !== sourceLanguage)
}
