import { displayNamesOf } from '~/utils/intl'

/** Country names in the reader's language, from the browser's or Node's own ICU data. */
export function countryName(code: string, language: string) {
  try {
    return displayNamesOf(language, { type: 'region', fallback: 'code' }).of(code) ?? code
  } catch {
    return code
  }
}

/** Countries as options, named and sorted for the reader's language. */
export function countryOptions(codes: string[], language: string) {
  const names = new Intl.DisplayNames([language], { type: 'region', fallback: 'code' })
  const collator = new Intl.Collator(language)
  return codes
    .map((code) => ({ code, name: names.of(code) ?? code }))
    .sort((a, b) => collator.compare(a.name, b.name))
}
