import fs from 'node:fs'
import path from 'node:path'
import { createCookie } from '@remix-run/node'
import i18next, { type TFunction } from 'i18next'
import Backend from 'i18next-fs-backend'
import { RemixI18Next } from 'remix-i18next/server'
import { projectRoot } from '~/utils/paths.server'
import { FALLBACK_LANGUAGE, i18nConfig, isLanguage, SUPPORTED_LANGUAGES, type Language } from './i18n'

export const LOCALES_FOLDER = path.join(projectRoot, 'locales')

/** Every namespace there is: one JSON file per domain in locales/en. */
export const NAMESPACES = fs
  .readdirSync(path.join(LOCALES_FOLDER, FALLBACK_LANGUAGE))
  .filter((file) => file.endsWith('.json'))
  .map((file) => file.slice(0, -'.json'.length))
  .sort()

export const languageCookie = createCookie('lng', {
  path: '/',
  httpOnly: true,
  sameSite: 'lax',
  secure: process.env.NODE_ENV === 'production' && process.env.INSECURE_COOKIES !== '1',
  maxAge: 60 * 60 * 24 * 365,
})

/**
 * One i18next instance for the whole process, with every language and namespace read from disk
 * once at start (initImmediate: false makes the file backend load synchronously). Requests borrow
 * fixed-language functions or cheap clones that share its store.
 */
export const i18nServer = i18next.createInstance()
void i18nServer.use(Backend).init({
  ...i18nConfig,
  ns: NAMESPACES,
  preload: [...SUPPORTED_LANGUAGES],
  initImmediate: false,
  backend: { loadPath: path.join(LOCALES_FOLDER, '{{lng}}/{{ns}}.json') },
})

const detector = new RemixI18Next({
  detection: {
    supportedLanguages: [...SUPPORTED_LANGUAGES],
    fallbackLanguage: FALLBACK_LANGUAGE,
    cookie: languageCookie,
    order: ['cookie', 'header'],
  },
})

/** The reader's language: their explicit choice (cookie), else Accept-Language, else English. */
export async function getLanguage(request: Request): Promise<Language> {
  const language = await detector.getLocale(request)
  return isLanguage(language) ? language : FALLBACK_LANGUAGE
}

export async function getFixedT(request: Request, namespace: string | string[] = 'common') {
  const language = await getLanguage(request)
  return { t: i18nServer.getFixedT(language, namespace) as TFunction, language }
}

export function fixedT(language: Language, namespace: string | string[] = 'common') {
  return i18nServer.getFixedT(language, namespace) as TFunction
}

/** The store of one language and namespace, for the browser's resource route. */
export function resourcesOf(language: Language, namespace: string) {
  return i18nServer.getResourceBundle(language, namespace) as Record<string, unknown> | undefined
}
