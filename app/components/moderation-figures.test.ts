import { createElement } from 'react'
import { renderToStaticMarkup } from 'react-dom/server'
import { I18nextProvider } from 'react-i18next'
import { i18nServer } from '~/modules/i18n/i18n.server'
import { ModerationFigures } from './moderation-figures'

function render(language: string, figures: Parameters<typeof ModerationFigures>[0]['figures']) {
  const i18n = i18nServer.cloneInstance({ lng: language, initImmediate: false })
  // Plain createElement, so this test (which borrows the server's i18n instance) is no .tsx component file.
  return renderToStaticMarkup(createElement(I18nextProvider, { i18n }, createElement(ModerationFigures, { figures })))
}

const FIGURES = {
  total: 1234,
  byReason: [
    { reason: 'spam' as const, count: 1200 },
    { reason: 'abuse' as const, count: 34 },
    { reason: 'personal_data' as const, count: 0 },
    { reason: 'off_topic' as const, count: 0 },
    { reason: 'duplicate' as const, count: 0 },
  ],
}

describe('public moderation figures', () => {
  it('shows hidden comments by reason in a captioned table, numbers in the reader’s language', () => {
    const html = render('fr', FIGURES)
    const fr = (value: number) => new Intl.NumberFormat('fr').format(value) // 1 200, with a narrow no-break space
    expect(html).toContain('<caption>Observations masquées, par motif</caption>')
    expect(html).toContain(`<th scope="row">Pourriel</th><td class="number">${fr(1200)}</td>`)
    expect(html).toContain('<th scope="row">Données personnelles</th><td class="number">0</td>')
    expect(html).toContain(`<th scope="row">Total</th><td class="number">${fr(1234)}</td>`)
    expect(html).toContain(`masqué ${fr(1234)} observations`)
  })

  it('says so in one sentence when nothing was hidden', () => {
    const html = render('ar', { total: 0, byReason: FIGURES.byReason.map((row) => ({ ...row, count: 0 })) })
    expect(html).not.toContain('<table')
    expect(html).toContain('لم يُخفِ المشرفون أي تعليق في هذه الجولة.')
  })
})
