import fs from 'node:fs'
import path from 'node:path'
import { projectRoot } from '~/utils/paths.server'
import { FALLBACK_LANGUAGE, SUPPORTED_LANGUAGES } from './i18n'

/**
 * The locale files against English, read from disk as the server's file backend reads them.
 *
 * Plurals follow i18next v23: a key `x_one` + `x_other` in English is the plural base `x`, and each
 * language must carry for `x` exactly the suffixes of its own Intl.PluralRules categories (`x_ordinal_*`
 * likewise, with the ordinal rules). Every other key must be present in every language, and nothing more.
 */

const LOCALES = path.join(projectRoot, 'locales')

/** Languages whose script differs from English: a value equal to English there is a forgotten copy. */
const OWN_SCRIPT = ['ar', 'ru', 'zh']
const UNTRANSLATED_MIN_LENGTH = 12
/** `namespace:key` of values that may stay byte-identical to English (proper names, codes). */
const SAME_AS_ENGLISH_ALLOWED = new Set<string>([])

type Json = string | number | boolean | null | Json[] | { [key: string]: Json }

const PLURAL_SUFFIX = /^(.+?)(_ordinal)?_(zero|one|two|few|many|other)$/
const PLACEHOLDER = /{{\s*[^{}]+?\s*}}/g

function namespacesOf(language: string) {
  const dir = path.join(LOCALES, language)
  if (!fs.existsSync(dir)) return []
  return fs
    .readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .map((file) => file.slice(0, -'.json'.length))
    .sort()
}

function readNamespace(language: string, namespace: string): Json {
  return JSON.parse(fs.readFileSync(path.join(LOCALES, language, `${namespace}.json`), 'utf8')) as Json
}

/** Leaves under dotted keys, the way i18next addresses them (keySeparator '.'). */
function flatten(value: Json, prefix = '', into = new Map<string, Json>()) {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [key, child] of Object.entries(value)) flatten(child, prefix ? `${prefix}.${key}` : key, into)
  } else {
    into.set(prefix, value)
  }
  return into
}

function categories(language: string, ordinal: boolean) {
  return new Intl.PluralRules(language, { type: ordinal ? 'ordinal' : 'cardinal' }).resolvedOptions().pluralCategories
}

type Entry = { kind: 'plain'; key: string } | { kind: 'plural'; base: string; ordinal: boolean }

/** English keys as plain keys and plural bases (a base is plural when English has its `_other` form). */
function englishEntries(english: Map<string, Json>): Entry[] {
  const entries = new Map<string, Entry>()
  for (const key of english.keys()) {
    const match = PLURAL_SUFFIX.exec(key)
    const ordinal = Boolean(match?.[2])
    const base = match?.[1]
    if (match && base && english.has(`${base}${ordinal ? '_ordinal' : ''}_other`)) {
      entries.set(`${base}|${ordinal}`, { kind: 'plural', base, ordinal })
    } else {
      entries.set(key, { kind: 'plain', key })
    }
  }
  return [...entries.values()]
}

function pluralKey(base: string, ordinal: boolean, category: string) {
  return `${base}${ordinal ? '_ordinal' : ''}_${category}`
}

/** Every key a language must have, each paired with the English key it translates. */
function expectedKeys(language: string, english: Map<string, Json>) {
  const expected = new Map<string, { englishKey: string; plural: boolean }>()
  for (const entry of englishEntries(english)) {
    if (entry.kind === 'plain') {
      expected.set(entry.key, { englishKey: entry.key, plural: false })
      continue
    }
    for (const category of categories(language, entry.ordinal)) {
      const key = pluralKey(entry.base, entry.ordinal, category)
      const englishKey = english.has(key) ? key : pluralKey(entry.base, entry.ordinal, 'other')
      expected.set(key, { englishKey, plural: true })
    }
  }
  return expected
}

function placeholders(value: Json | undefined) {
  return typeof value === 'string' ? [...new Set(value.match(PLACEHOLDER) ?? [])] : []
}

const isCount = (placeholder: string) => /^{{\s*count\s*(,.*)?}}$/.test(placeholder)

function load(language: string, namespace: string) {
  return flatten(readNamespace(language, namespace))
}

describe('locale files', () => {
  const namespaces = namespacesOf(FALLBACK_LANGUAGE)

  it('exist for exactly the supported languages, with English namespaces to compare with', () => {
    const folders = fs
      .readdirSync(LOCALES, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort()
    expect(folders).toEqual([...SUPPORTED_LANGUAGES].sort())
    expect(namespaces.length).toBeGreaterThan(0)
  })

  describe.each([...SUPPORTED_LANGUAGES])('%s', (language) => {
    it('has the same namespace files as English', () => {
      expect(namespacesOf(language)).toEqual(namespaces)
    })

    it.each(namespaces)('%s: has exactly the keys of English, plurals by its own plural rules', (namespace) => {
      const expected = expectedKeys(language, load(FALLBACK_LANGUAGE, namespace))
      const actual = new Set(load(language, namespace).keys())
      const missing = [...expected.keys()].filter((key) => !actual.has(key))
      const extra = [...actual].filter((key) => !expected.has(key))
      expect({ missing, extra }, `${language}/${namespace}.json`).toEqual({ missing: [], extra: [] })
    })

    it.each(namespaces)('%s: every value is a non-empty string', (namespace) => {
      const bad = [...load(language, namespace)]
        .filter(([, value]) => typeof value !== 'string' || value.trim() === '')
        .map(([key]) => key)
      expect(bad, `${language}/${namespace}.json`).toEqual([])
    })

    it.each(namespaces)('%s: keeps the interpolation placeholders of English', (namespace) => {
      const english = load(FALLBACK_LANGUAGE, namespace)
      const translated = load(language, namespace)
      const problems: string[] = []
      for (const [key, { englishKey, plural }] of expectedKeys(language, english)) {
        if (!translated.has(key)) continue // reported by the key check
        const wanted = placeholders(english.get(plural ? englishKey.replace(PLURAL_SUFFIX, '$1$2_other') : englishKey))
        const found = placeholders(translated.get(key))
        // A plural form other than `_other` may spell its number out (Arabic "حرفان"), so it may drop {{count}}.
        const required = plural && !key.endsWith('_other') ? wanted.filter((p) => !isCount(p)) : wanted
        for (const placeholder of required) {
          if (!found.includes(placeholder)) problems.push(`${key} lacks ${placeholder}`)
        }
        for (const placeholder of found) {
          if (!wanted.includes(placeholder)) problems.push(`${key} has unknown ${placeholder}`)
        }
      }
      expect(problems, `${language}/${namespace}.json`).toEqual([])
    })

    if (!OWN_SCRIPT.includes(language)) return
    it.each(namespaces)('%s: has no untranslated copy of English', (namespace) => {
      const english = load(FALLBACK_LANGUAGE, namespace)
      const translated = load(language, namespace)
      const copies = [...expectedKeys(language, english)]
        .filter(([key, { englishKey }]) => {
          const source = english.get(englishKey)
          return (
            typeof source === 'string' &&
            source.length > UNTRANSLATED_MIN_LENGTH &&
            translated.get(key) === source &&
            !SAME_AS_ENGLISH_ALLOWED.has(`${namespace}:${key}`)
          )
        })
        .map(([key]) => key)
      expect(copies, `${language}/${namespace}.json`).toEqual([])
    })
  })
})
