import fs from 'node:fs/promises'
import { type Locator, type Page } from '@playwright/test'
import { parse } from 'csv-parse/sync'
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs'
import { STAKEHOLDER_CATEGORIES } from '#db/schema/index'
import { LANGUAGE_NAMES } from '~/modules/i18n/i18n'
import { verifyAuditLog } from '~/modules/moderation/audit.server'
import { countryName } from '~/modules/regions/regions'
import { getSnapshot } from '~/modules/summaries/summaries.server'
import { expect, test, waitForHydration } from './fixtures'
import { translator } from './locales'
import {
  countPositions,
  countSignatories,
  countTracker,
  parseFigure,
  POSITION_ORDER,
  seedSummaryRounds,
  storedSnapshots,
  type Counts,
} from './summary-data'

/**
 * The consolidated position summary end to end: a moderator writes the narrative in two languages,
 * previews and publishes numbered, hashed versions; the African Union's regional viewer reads it in
 * French through the AU lens, filters, downloads CSV, prints it to PDF, and follows the live tracker.
 * Every figure checked on a page or in a file is counted again by the spec's own SQL (summary-data.ts).
 */
const en = translator('en')
const fr = translator('fr')

const NARRATIVE = {
  participationEn: 'Seventeen stakeholders from five continents took part in the closed reading.',
  consensusEn: 'Capacity building is shared ground; data retention divides the stakeholder groups.',
  clauseEn: 'Clause 1 has broad support, with one call for a named point of contact.',
  participationFr: 'Dix-sept parties prenantes de cinq continents ont pris part à la lecture close.',
  clauseFr: 'L’article 1 recueille un large soutien, avec une demande de point de contact désigné.',
  consensusFr: 'Le renforcement des capacités fait consensus ; la conservation des données divise.',
}

/** A form's answer comes after the server's work, which a busy two-core machine may slow a lot. */
const AFTER_SUBMIT = { timeout: 30_000 }

let seeded: Awaited<ReturnType<typeof seedSummaryRounds>>

// Serial: the reader's tests read what the moderator's test published. Generous time: the pages are
// large, and an axe scan of one took up to half a minute on a busy two-core machine.
test.describe.configure({ mode: 'serial', timeout: 240_000 })

test.beforeAll(async ({ database }) => {
  seeded = await seedSummaryRounds(database)
})

/** The text of each cell of a table's rows (header cell first), in document order. */
async function rowsOf(rows: Locator) {
  return rows.evaluateAll((elements) =>
    elements.map((row) => Array.from(row.querySelectorAll('th, td')).map((cell) => (cell.textContent ?? '').trim())),
  )
}

/** A row of counts as a chart table writes it: support, amend, oppose, neutral, total, net. */
function expectCountsRow(cells: string[], expected: Counts, where: string) {
  const figures = cells.map(parseFigure)
  expect(figures.slice(0, 5), `${where}: counts`).toEqual([...POSITION_ORDER.map((position) => expected[position]), expected.total])
  expectNet(cells[5]!, expected.net, `${where}: net support`)
}

/** A net support written with two decimals ("+0,33", "—") against the exact value. */
function expectNet(text: string, net: number | null, where: string) {
  const shown = parseFigure(text)
  if (net === null) expect(shown, where).toBeNull()
  else expect(Math.abs(shown! - net), `${where}: ${text} for ${net}`).toBeLessThanOrEqual(0.005 + 1e-9)
}

function count(language: 'en' | 'fr', value: number) {
  return new Intl.NumberFormat(language).format(value)
}

function clauseSection(page: Page, label: string) {
  return page.locator(label === 'whole' ? '#summary-whole' : `#summary-clause-${label}`)
}

/** The published figures per clause and category on the page equal the spec's own count. */
async function expectPublishedFigures(page: Page, roundId: number, database: Parameters<typeof countPositions>[0]) {
  const all = countPositions(database, roundId)
  for (const label of ['1', '2', '3', 'whole']) {
    const table = clauseSection(page, label).locator('table.chart-table')
    const [footer] = await rowsOf(table.locator('tfoot tr'))
    expectCountsRow(footer!.slice(1), all.of(label), `clause ${label}, all categories`)
    const rows = await rowsOf(table.locator('tbody tr'))
    expect(rows).toHaveLength(STAKEHOLDER_CATEGORIES.length)
    STAKEHOLDER_CATEGORIES.forEach((category, index) =>
      expectCountsRow(rows[index]!.slice(1), all.of(label, category), `clause ${label}, ${category}`),
    )
  }
  return all
}

/** "N comments counted" through the lens. */
function lensCounted(page: Page) {
  return page.locator('.lens-results .summary-facts dd').first()
}

test('a moderator writes the narrative in two languages, previews, and publishes numbered, hashed versions', async ({
  page,
  login,
  axe,
  database,
}) => {
  const { moderator, rounds } = seeded
  const builder = `/moderate/rounds/${rounds.closed}/summary`
  const flash = page.locator('.flash')
  await login(moderator)

  await page.goto(builder)
  await expect(page.getByRole('heading', { level: 1, name: en('summaries:builder.title') })).toBeVisible()
  await axe()
  await page.locator('textarea[name="sections.participation"]').fill(NARRATIVE.participationEn)
  await page.locator('textarea[name="sections.consensus"]').fill(NARRATIVE.consensusEn)
  await page.locator('textarea[name="clauses[0].text"]').fill(NARRATIVE.clauseEn)
  await page.getByRole('button', { name: en('summaries:builder.saveAll') }).click()
  await expect(flash).toHaveText(en('summaries:flash.saved', { language: 'English' }), AFTER_SUBMIT)

  // The same sections in French: the English texts stay, the form now holds the French ones.
  await page.getByRole('combobox', { name: en('summaries:builder.languageLabel') }).selectOption('fr')
  await page.getByRole('button', { name: en('summaries:builder.languageSubmit') }).click()
  await expect(page).toHaveURL(/[?&]lang=fr/, AFTER_SUBMIT)
  await expect(page.locator('textarea[name="sections.participation"]')).toHaveValue('')
  await axe()
  await page.locator('textarea[name="sections.participation"]').fill(NARRATIVE.participationFr)
  await page.locator('textarea[name="clauses[0].text"]').fill(NARRATIVE.clauseFr)
  await page.getByRole('button', { name: en('summaries:builder.saveAll') }).click()
  await expect(flash).toHaveText(en('summaries:flash.saved', { language: 'French' }), AFTER_SUBMIT)
  await expect(page.locator('textarea[name="sections.participation"]')).toHaveValue(NARRATIVE.participationFr)

  // The preview is the public page with the draft: the narrative in the reader's language (English).
  await page.getByRole('link', { name: en('summaries:builder.preview') }).click()
  await expect(page).toHaveURL(new RegExp(`${builder}/preview$`), AFTER_SUBMIT)
  await expect(page.getByText(en('summaries:preview.banner'))).toBeVisible()
  await expect(page.getByText(NARRATIVE.participationEn)).toBeVisible()
  await expect(page.getByText(NARRATIVE.clauseEn)).toBeVisible()
  await axe()

  // Publishing asks for confirmation, then freezes version 1.
  await page.goto(builder)
  await page.getByRole('link', { name: en('summaries:builder.publish', { number: 1 }) }).click()
  await expect(page.getByRole('heading', { name: en('summaries:builder.confirmTitle', { number: 1 }) })).toBeVisible(AFTER_SUBMIT)
  await axe()
  await page.getByRole('button', { name: en('summaries:builder.confirmPublish', { number: 1 }) }).click()
  await expect(flash).toHaveText(en('summaries:flash.published', { number: 1 }), AFTER_SUBMIT)
  const [first] = storedSnapshots(database, rounds.closed)
  expect(first?.contentHash).toMatch(/^[0-9a-f]{64}$/)
  await expect(page.locator('.versions-table tbody tr')).toHaveCount(1)
  await expect(page.locator('.versions-table tbody tr').first().locator('code.hash')).toHaveText(first!.contentHash)

  // A French narrative of the consensus map, then version 2; version 1 keeps what it had.
  await page.goto(`${builder}?lang=fr`)
  await page.locator('textarea[name="sections.consensus"]').fill(NARRATIVE.consensusFr)
  await page.getByRole('button', { name: en('summaries:builder.saveAll') }).click()
  await expect(flash).toHaveText(en('summaries:flash.saved', { language: 'French' }), AFTER_SUBMIT)
  await page.getByRole('link', { name: en('summaries:builder.publish', { number: 2 }) }).click()
  await page.getByRole('button', { name: en('summaries:builder.confirmPublish', { number: 2 }) }).click()
  await expect(flash).toHaveText(en('summaries:flash.published', { number: 2 }), AFTER_SUBMIT)
  const versions = storedSnapshots(database, rounds.closed)
  expect(versions.map((version) => version.number)).toEqual([1, 2])
  expect(versions[1]!.contentHash).not.toBe(versions[0]!.contentHash)
  await expect(page.locator('.versions-table tbody tr code.hash')).toHaveText([versions[1]!.contentHash, versions[0]!.contentHash])
  expect(getSnapshot(database, rounds.closed, 1)!.narrative.consensus).toEqual({ en: NARRATIVE.consensusEn })
  expect(getSnapshot(database, rounds.closed, 2)!.narrative.consensus).toEqual({ en: NARRATIVE.consensusEn, fr: NARRATIVE.consensusFr })

  // Version 1 stays readable at its address, its hash verified, with a pointer to version 2.
  await page.goto(`/rounds/${rounds.closed}/summary/1`)
  await expect(page.getByText(en('summaries:versions.current', { number: 1 }))).toBeVisible()
  await expect(page.locator('.summary-meta code.hash')).toHaveText(versions[0]!.contentHash)
  await expect(page.locator('.summary-meta')).toContainText(en('summaries:meta.verified'))
  await expect(page.getByText(en('summaries:meta.newer', { number: 2 }))).toBeVisible()
  await expect(page.getByText(NARRATIVE.participationEn)).toBeVisible()
  await axe()

  // Both publications are in the round's audit log, and the log's chain holds.
  await page.goto(`/moderate/rounds/${rounds.closed}/audit`)
  await expect(page.getByRole('cell', { name: en('moderation:audit.actions.summary_publish'), exact: true })).toHaveCount(2)
  await axe()
  expect(verifyAuditLog(database).ok).toBe(true)
})

test.describe('the African Union’s regional viewer, in French', () => {
  test.use({ locale: 'fr-FR' })

  test('reads the summary through the AU lens, filters it, and downloads figures that equal the database’s', async ({
    page,
    login,
    axe,
    database,
  }) => {
    const { viewer, rounds } = seeded
    const au = fr('regions:organizations.au')
    await login(viewer)

    // No lens chosen: a regional viewer reads through their organization's.
    await page.goto(`/rounds/${rounds.closed}/summary`)
    await expect(page.locator('html')).toHaveAttribute('lang', 'fr')
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(fr('summaries:page.title'))
    await expect(page.getByText(fr('summaries:lens.defaultNote', { organization: au }))).toBeVisible()
    await expect(
      page.getByRole('navigation', { name: fr('nav.main') }).getByRole('link', { name: fr('nav.regional') }),
    ).toHaveAttribute('href', '/regional')
    await expect(page.getByText(NARRATIVE.consensusFr)).toBeVisible()
    await expect(page.getByText(NARRATIVE.participationFr)).toBeVisible()
    await axe()

    // The published figures: positions per clause and category, a campaign once with its signatories.
    const all = await expectPublishedFigures(page, rounds.closed, database)
    // What the spec's data were made to hold, so a wrong count on both sides cannot pass unseen.
    expect(all.of('1')).toMatchObject({ support: 3, amend: 1, oppose: 1, neutral: 1, total: 6 })
    expect(all.of('2')).toMatchObject({ support: 2, amend: 1, oppose: 2, neutral: 0, total: 5 })
    expect(all.of('3')).toMatchObject({ support: 2, amend: 2, oppose: 0, total: 4 })
    expect(countSignatories(database, rounds.closed)).toEqual([6])
    const participation = page.locator('section[aria-labelledby="summary-participation-title"]')
    await expect(participation.locator('.summary-facts dd').first()).toHaveText(
      fr('summaries:participation.countedValue', { count: all.counted, n: count('fr', all.counted) }),
    )
    await expect(participation.locator('.campaigns')).toContainText(
      fr('summaries:participation.countedOnce', { count: 6, n: count('fr', 6) }),
    )

    // The AU lens: members' stakeholders beside everyone else's, by the same rules, differences marked.
    const members = countPositions(database, rounds.closed, { organization: 'au' })
    const others = countPositions(database, rounds.closed, { organization: 'au', outside: true })
    expect(countSignatories(database, rounds.closed, { organization: 'au' })).toEqual([3])
    expect(members.of('2')).toMatchObject({ support: 2, oppose: 1, total: 3 })
    expect(others.of('2')).toMatchObject({ amend: 1, oppose: 2, total: 3 })
    await expect(lensCounted(page)).toHaveText(
      fr('summaries:participation.countedValue', { count: members.counted, n: count('fr', members.counted) }),
    )
    // The campaign splits by the lens: the AU members' signatures count once, as one campaign of three.
    await expect(page.locator('.lens-results .summary-facts')).toContainText(
      fr('summaries:participation.campaignsValue', { count: 1, n: count('fr', 1), signatories: count('fr', 3) }),
    )
    const comparison = await rowsOf(page.locator('.comparison-table tbody tr'))
    expect(comparison.map((row) => row[0])).toEqual(['1', '2', '3'].map((label) => fr('summaries:clause.name', { label })))
    const marked: string[] = []
    ;['1', '2', '3'].forEach((label, index) => {
      const [, membersNet, membersTotal, othersNet, othersTotal, difference, shownNote] = comparison[index]!
      const note = shownNote!.replace('▲', '').trim()
      const m = members.of(label)
      const o = others.of(label)
      expectNet(membersNet!, m.net, `AU members, clause ${label}`)
      expect(parseFigure(membersTotal!)).toBe(m.total)
      expectNet(othersNet!, o.net, `others, clause ${label}`)
      expect(parseFigure(othersTotal!)).toBe(o.total)
      const gap = m.net !== null && o.net !== null ? m.net - o.net : null
      expectNet(difference!, gap, `difference, clause ${label}`)
      if (note === fr('summaries:lens.marked')) marked.push(label)
      else expect(note).toBe('')
      expect(note === fr('summaries:lens.marked')).toBe(gap !== null && Math.abs(gap) >= 0.3 - 1e-9)
    })
    expect(marked).toEqual(['1', '2'])
    await expect(page.locator('table:has(#lens-categories-caption) tfoot td')).toHaveText([
      count('fr', members.counted),
      count('fr', others.counted),
    ])

    // Downloads: the published positions table as CSV, equal to the spec's count.
    const table = fr('regional:tables.positions_by_clause_and_category')
    const csv = await download(page, fr('summaries:downloads.csv', { table }))
    expect(csv.name).toMatch(new RegExp(`^concord-round-${rounds.closed}-summary-v2-positions_by_clause_and_category\\.csv$`))
    expect(csv.comment).toBeNull()
    expectCsvPositions(csv.rows, all, 'published CSV')
    // Through the lens: live figures of the AU members, announced in a first comment row.
    const lensCsv = await download(page, fr('summaries:downloads.csvLens', { table }))
    expect(lensCsv.comment).toContain('organization=au')
    expectCsvPositions(lensCsv.rows, members, 'AU lens CSV')
    // The JSON document is version 2 with its hash.
    const jsonHref = await page.getByRole('link', { name: fr('summaries:downloads.json'), exact: true }).getAttribute('href')
    const json = (await (await page.request.get(jsonHref!)).json()) as { summary: { number: number; contentHash: string } }
    expect(json.summary).toMatchObject({ number: 2, contentHash: storedSnapshots(database, rounds.closed)[1]!.contentHash })

    // Filter by language: French-language comments of AU members, beside the others' in French.
    await page.getByRole('combobox', { name: fr('summaries:lens.filters.language'), exact: true }).selectOption('fr')
    await page.getByRole('button', { name: fr('summaries:lens.apply') }).click()
    await expect(page).toHaveURL(/[?&]language=fr/, AFTER_SUBMIT)
    await expect(page).toHaveURL(/[?&]organization=au/, AFTER_SUBMIT)
    const inFrench = countPositions(database, rounds.closed, { organization: 'au', language: 'fr' })
    const othersInFrench = countPositions(database, rounds.closed, { organization: 'au', outside: true, language: 'fr' })
    expect([inFrench.counted, othersInFrench.counted]).toEqual([3, 2])
    await expect(lensCounted(page)).toHaveText(
      fr('summaries:participation.countedValue', { count: inFrench.counted, n: count('fr', inFrench.counted) }),
    )
    const inFrenchRows = await rowsOf(page.locator('.comparison-table tbody tr'))
    expectNet(inFrenchRows[2]![1]!, inFrench.of('3').net, 'AU members in French, clause 3')
    expectNet(inFrenchRows[2]![3]!, othersInFrench.of('3').net, 'others in French, clause 3')
    await axe()

    // Filter by region and category, with no organization: European governments.
    await page.getByRole('combobox', { name: fr('summaries:lens.filters.organization'), exact: true }).selectOption('')
    await page.getByRole('combobox', { name: fr('summaries:lens.filters.language'), exact: true }).selectOption('')
    await page.getByRole('combobox', { name: fr('summaries:lens.filters.region'), exact: true }).selectOption('150')
    await page.getByRole('combobox', { name: fr('summaries:lens.filters.category'), exact: true }).selectOption('government')
    await page.getByRole('button', { name: fr('summaries:lens.apply') }).click()
    await expect(page).toHaveURL(/[?&]region=150/, AFTER_SUBMIT)
    const europeanGovernments = countPositions(database, rounds.closed, { region: '150', category: 'government' })
    expect(europeanGovernments.counted).toBe(2)
    await expect(lensCounted(page)).toHaveText(
      fr('summaries:participation.countedValue', {
        count: europeanGovernments.counted,
        n: count('fr', europeanGovernments.counted),
      }),
    )
    await expect(page.locator('.comparison-table')).toHaveCount(0)
    // The lens's clause × category map: European governments' net support on clause 1.
    const heatmapRows = await rowsOf(page.locator('table:has(#lens-heatmap-caption) tbody tr'))
    const clauseOne = heatmapRows.find((row) => row[0] === fr('summaries:clause.name', { label: '1' }))!
    expectNet(clauseOne[1 + STAKEHOLDER_CATEGORIES.indexOf('government')]!, europeanGovernments.of('1', 'government').net, 'heatmap')
    await axe()
  })

  test('follows the live tracker of an open round for AU members, and is refused another organization’s', async ({
    page,
    login,
    axe,
    database,
  }) => {
    const { viewer, rounds } = seeded
    await login(viewer)
    await page.goto('/regional')
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(fr('regional:index.title'))
    await expect(
      page.getByRole('link', { name: fr('regional:index.summaryLink', { organization: fr('regions:organizations.au') }) }).first(),
    ).toHaveAttribute('href', new RegExp(`/rounds/${rounds.closed}/summary\\?organization=au$`))
    await axe()

    await page.locator(`a[href="/regional/rounds/${rounds.open}/tracker"]`).click()
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(fr('regional:tracker.title'))
    const tracker = countTracker(database, rounds.open, 'au')
    expect(tracker.heard.sort()).toEqual(['KE', 'NG', 'SN'])
    expect(tracker.members).toHaveLength(55)
    await expect(page.locator('.facts')).toContainText(
      fr('regional:tracker.heardValue', { heard: count('fr', tracker.heard.length), members: count('fr', tracker.members.length) }),
    )
    const rows = await rowsOf(page.locator('.tracker-table tbody tr'))
    expect(rows.map((row) => row[0]).sort()).toEqual(tracker.heard.map((code) => countryName(code, 'fr')).sort())
    for (const code of tracker.heard) {
      const row = rows.find((cells) => cells[0] === countryName(code, 'fr'))!
      const expected = STAKEHOLDER_CATEGORIES.map(
        (category) => tracker.rows.find((entry) => entry.country === code && entry.category === category)?.n ?? 0,
      )
      expect(row.slice(1, 1 + STAKEHOLDER_CATEGORIES.length).map(parseFigure), code).toEqual(expected)
      expect(parseFigure(row[1 + STAKEHOLDER_CATEGORIES.length]!)).toBe(expected.reduce((sum, n) => sum + n, 0))
    }
    const unheard = page.locator('.tracker-unheard__list li')
    await expect(unheard).toHaveCount(tracker.unheard.length)
    await expect(unheard.filter({ hasText: countryName('MA', 'fr') })).toHaveCount(1)
    await expect(unheard.filter({ hasText: countryName('KE', 'fr') })).toHaveCount(0)
    // Aggregates only: no comment's text.
    await expect(page.getByText('Kenya civil society now supports')).toHaveCount(0)
    await axe()

    const refused = await page.goto(`/regional/rounds/${rounds.open}/tracker?organization=eu`)
    expect(refused?.status()).toBe(403)
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(fr('regional:problems.otherOrganization.title'))
    await expect(page.getByText(
      fr('regional:problems.otherOrganization.message', { own: fr('regions:organizations.au'), requested: fr('regions:organizations.eu') }),
    )).toBeVisible()
    await expect(page.locator('.tracker-table')).toHaveCount(0)
    await axe()
  })

  test('an unknown lens filter is answered 400, naming each unknown value, and changes nothing', async ({
    page,
    login,
    axe,
    database,
  }) => {
    const { viewer, rounds } = seeded
    const before = storedSnapshots(database, rounds.closed)
    await login(viewer)
    const response = await page.goto(`/rounds/${rounds.closed}/summary?region=999&category=army`)
    expect(response?.status()).toBe(400)
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(fr('summaries:lens.unknownTitle'))
    await expect(page.locator('main li')).toHaveText([
      fr('summaries:lens.unknownFilter', { filter: fr('summaries:lens.filters.region'), value: '999' }),
      fr('summaries:lens.unknownFilter', { filter: fr('summaries:lens.filters.category'), value: 'army' }),
    ])
    await expect(page.getByRole('link', { name: fr('summaries:lens.showWithout') })).toHaveAttribute(
      'href',
      `/rounds/${rounds.closed}/summary`,
    )
    await axe()
    // The downloads refuse the same way, in plain text.
    const csv = await page.request.get(`/rounds/${rounds.closed}/summary.csv?table=consensus&language=xx-!!`)
    expect(csv.status()).toBe(400)
    expect(await csv.text()).toContain('xx-!!')
    expect(storedSnapshots(database, rounds.closed)).toEqual(before)
  })

  test('prints the published summary to a clean PDF: headings and figures in, menus and forms out', async ({
    page,
    login,
    axe,
    database,
  }) => {
    const { viewer, rounds } = seeded
    await login(viewer)
    // The print button opens the browser's print dialog; here it is counted instead.
    await page.addInitScript(() => {
      Object.assign(window, { printed: 0 })
      window.print = () => Object.assign(window, { printed: (window as unknown as { printed: number }).printed + 1 })
    })
    const printed = () => page.evaluate(() => (window as unknown as { printed: number }).printed)
    const printButton = page.getByRole('button', { name: fr('summaries:print.button') })

    // Reached by a link from a page that runs the application, the summary is rendered in the browser.
    await page.goto(`/rounds/${rounds.closed}`)
    await waitForHydration(page)
    await page.getByRole('link', { name: fr('rounds:round.summary') }).click()
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(fr('summaries:page.title'))
    await printButton.click()
    expect(await printed()).toBe(1)

    // Loaded as a document, it comes without the application's scripts and their copy of its data;
    // the print button's one script still shows the button and makes it print.
    await page.goto(`/rounds/${rounds.closed}/summary`)
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(fr('summaries:page.title'))
    expect(await page.evaluate(() => '__remixContext' in window)).toBe(false)
    await expect(page.locator('script[type="module"], link[rel="modulepreload"]')).toHaveCount(0)
    await printButton.click()
    expect(await printed()).toBe(1)
    await axe()
    const text = squeeze(await pdfText(await page.pdf({ format: 'A4', printBackground: true })))

    const expected = [
      fr('summaries:page.title'),
      ...(['participation', 'clauses', 'consensus', 'concerns', 'dispositions', 'method'] as const).map((section) =>
        fr(`summaries:sections.${section}`),
      ),
      fr('summaries:lens.comparisonTitle', { organization: fr('regions:organizations.au') }),
      NARRATIVE.participationFr,
      NARRATIVE.consensusFr,
      storedSnapshots(database, rounds.closed)[1]!.contentHash,
      fr('summaries:participation.countedOnce', { count: 6, n: count('fr', 6) }),
    ]
    // Each clause's row "all categories", written as the page writes figures, from the spec's own count.
    const all = countPositions(database, rounds.closed)
    const signed = new Intl.NumberFormat('fr', { signDisplay: 'exceptZero', minimumFractionDigits: 2, maximumFractionDigits: 2 })
    for (const label of ['1', '2', '3', 'whole']) {
      const counts = all.of(label)
      const figures = [...POSITION_ORDER.map((position) => counts[position]), counts.total].map((n) => count('fr', n))
      expected.push([fr('summaries:table.allCategories'), ...figures, counts.net === null ? '—' : signed.format(counts.net)].join(' '))
    }
    for (const line of expected) expect(text, `the PDF has “${line}”`).toContain(squeeze(line))

    const absent = [
      fr('nav.regional'),
      fr('nav.logout'),
      fr('nav.skip'),
      // The language switcher, which names each language in itself.
      LANGUAGE_NAMES.es,
      LANGUAGE_NAMES.ru,
      LANGUAGE_NAMES.zh,
      fr('summaries:lens.apply'),
      fr('summaries:downloads.title'),
      fr('summaries:print.hint'),
      fr('summaries:toc.title'),
    ]
    for (const line of absent) expect(text, `the PDF has no “${line}”`).not.toContain(squeeze(line))
  })
})

test('the summary of a round without comments works, and two publications at once make two whole versions', async ({
  page,
  login,
  axe,
  database,
  baseURL,
  context,
}) => {
  const { moderator, rounds } = seeded
  const builder = `/moderate/rounds/${rounds.empty}/summary`
  await login(moderator)
  await page.goto(builder)
  await expect(page.getByText(en('summaries:participation.none'))).toBeVisible()
  await axe()
  await page.getByRole('link', { name: en('summaries:builder.publish', { number: 1 }) }).click()
  await page.getByRole('button', { name: en('summaries:builder.confirmPublish', { number: 1 }) }).click()
  await expect(page.locator('.flash')).toHaveText(en('summaries:flash.published', { number: 1 }), AFTER_SUBMIT)

  await page.goto(`/rounds/${rounds.empty}/summary`)
  await expect(page.getByText(en('summaries:participation.none'))).toBeVisible()
  await expect(page.getByText(en('summaries:consensus.noRanking'))).toBeVisible()
  await expect(page.locator('#summary-clause-1 table.chart-table tfoot td')).toHaveText(['0', '0', '0', '0', '0', '—'])
  await axe()

  // Two publications at the same moment: each gets its own number, both whole, both audited.
  const cookie = (await context.cookies()).map((entry) => `${entry.name}=${entry.value}`).join('; ')
  const publish = () =>
    page.request.post(builder, {
      form: { intent: 'publish' },
      headers: { Origin: baseURL!, Cookie: cookie },
      maxRedirects: 0,
    })
  const answers = await Promise.all([publish(), publish()])
  expect(answers.map((answer) => answer.status())).toEqual([302, 302])
  const versions = storedSnapshots(database, rounds.empty)
  expect(versions.map((version) => version.number)).toEqual([1, 2, 3])
  expect(new Set(versions.map((version) => version.contentHash)).size).toBe(3)
  for (const version of versions) expect(getSnapshot(database, rounds.empty, version.number)!.integrity.ok).toBe(true)
  const audited = database.$client
    .prepare("select count(*) as n from audit_log where round_id = ? and action = 'summary.publish'")
    .get(rounds.empty) as { n: number }
  expect(audited.n).toBe(3)
  expect(verifyAuditLog(database).ok).toBe(true)
})

/* Helpers ------------------------------------------------------------------------------------- */

async function download(page: Page, linkName: string) {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: linkName, exact: true }).click()])
  const body = (await fs.readFile((await file.path())!, 'utf8')).replace(/^\ufeff/, '')
  const comment = body.startsWith('# ') ? body.slice(2, body.indexOf('\r\n')) : null
  const rows = parse(comment === null ? body : body.slice(body.indexOf('\r\n') + 2), { columns: true }) as Record<string, string>[]
  return { name: file.suggestedFilename(), comment, rows }
}

function expectCsvPositions(rows: Record<string, string>[], counts: ReturnType<typeof countPositions>, where: string) {
  // Every clause and the whole draft, one row per stakeholder category.
  expect(rows).toHaveLength(4 * STAKEHOLDER_CATEGORIES.length)
  for (const row of rows) {
    const expected = counts.of(row.clause || 'whole', row.category)
    const label = `${where}: clause ${row.clause || 'whole'}, ${row.category}`
    expect(POSITION_ORDER.map((position) => Number(row[position])), label).toEqual(POSITION_ORDER.map((position) => expected[position]))
    expect(Number(row.total), label).toBe(expected.total)
    if (expected.net === null) expect(row.net_support, label).toBe('')
    else expect(Number(row.net_support), label).toBeCloseTo(expected.net, 10)
  }
}

async function pdfText(pdf: Buffer) {
  const document = await getDocument({ data: new Uint8Array(pdf), useSystemFonts: false }).promise
  const pages: string[] = []
  for (let number = 1; number <= document.numPages; number++) {
    const content = await (await document.getPage(number)).getTextContent()
    pages.push(content.items.map((item) => ('str' in item ? item.str : '')).join(' '))
  }
  await document.destroy()
  return pages.join('\n')
}

/** Text without spaces or line breaks, so a line wrapped in the PDF still matches. */
function squeeze(text: string) {
  return text.replace(/[\s\u00a0\u202f\u2066-\u2069]+/g, '')
}
