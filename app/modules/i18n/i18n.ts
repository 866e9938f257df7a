/** Language settings shared by the server and the browser. */
export const SUPPORTED_LANGUAGES = ['ar', 'en', 'es', 'fr', 'ru', 'zh'] as const
export type Language = (typeof SUPPORTED_LANGUAGES)[number]
export const FALLBACK_LANGUAGE: Language = 'en'
export const DEFAULT_NAMESPACE = 'common'

/** Each language's own name, as its speakers write it (for the switcher). */
export const LANGUAGE_NAMES: Record<Language, string> = {
  ar: 'العربية',
  en: 'English',
  es: 'Español',
  fr: 'Français',
  ru: 'Русский',
  zh: '中文',
}

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (SUPPORTED_LANGUAGES as readonly string[]).includes(value)
}

export function textDirection(language: string): 'rtl' | 'ltr' {
  return ['ar', 'fa', 'he', 'ur'].includes(language.split('-')[0] ?? '') ? 'rtl' : 'ltr'
}

export const i18nConfig = {
  supportedLngs: [...SUPPORTED_LANGUAGES],
  fallbackLng: FALLBACK_LANGUAGE,
  defaultNS: DEFAULT_NAMESPACE,
  interpolation: { escapeValue: false },
  react: { useSuspense: false },
}
