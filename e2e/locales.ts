import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { type Language } from '~/modules/i18n/i18n'

/**
 * Expected text, read from the same locales/<lng>/<ns>.json files the server reads, so a spec
 * checks that the page speaks the reader's language without repeating every string.
 * Keys are "ns:path.to.key" (namespace "common" when left out); {{values}} are interpolated and
 * `count` picks the plural form, as i18next does.
 */
const LOCALES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'locales')
const cache = new Map<string, Record<string, unknown>>()

function bundle(language: Language, namespace: string) {
  const id = `${language}/${namespace}`
  let resources = cache.get(id)
  if (!resources) {
    resources = JSON.parse(fs.readFileSync(path.join(LOCALES, language, `${namespace}.json`), 'utf8')) as Record<string, unknown>
    cache.set(id, resources)
  }
  return resources
}

function lookup(resources: Record<string, unknown>, keyPath: string): unknown {
  return keyPath.split('.').reduce<unknown>((node, part) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined), resources)
}

export function translator(language: Language) {
  return function t(key: string, values: Record<string, string | number> = {}) {
    const [namespace, keyPath] = key.includes(':') ? (key.split(':', 2) as [string, string]) : ['common', key]
    const resources = bundle(language, namespace)
    let text = lookup(resources, keyPath)
    if (text === undefined && typeof values.count === 'number') {
      text = lookup(resources, `${keyPath}_${new Intl.PluralRules(language).select(values.count)}`)
    }
    if (typeof text !== 'string') throw new Error(`e2e: no string ${key} in locales/${language}/${namespace}.json`)
    // {{count, number}} formats the number for the language, as i18next's number formatter does.
    return text.replace(/\{\{\s*(\w+)\s*(?:,\s*(number)\s*)?\}\}/g, (_, name: string, format?: string) => {
      const value = values[name]
      if (value === undefined) return ''
      return format && typeof value === 'number' ? new Intl.NumberFormat(language).format(value) : String(value)
    })
  }
}
