import { useTranslation } from 'react-i18next'
import type { ModerationFigures as Figures } from '~/modules/moderation/moderation.server'
import { formatNumber } from './date-time'

/**
 * What moderators hid in a round, for its public page: hidden comments by reason, as a table with
 * its caption (every reason listed, zeros included), or one sentence when nothing was hidden.
 */
export function ModerationFigures({ figures, headingLevel = 2 }: { figures: Figures; headingLevel?: 2 | 3 }) {
  const { t, i18n } = useTranslation('moderation')
  const language = i18n.resolvedLanguage ?? i18n.language
  const Heading = headingLevel === 2 ? 'h2' : 'h3'
  return (
    <section aria-labelledby="moderation-figures-title" className="card moderation-figures">
      <Heading id="moderation-figures-title">{t('figures.title')}</Heading>
      {figures.total === 0 ? (
        <p>{t('figures.none')}</p>
      ) : (
        <>
          <p>{t('figures.intro', { count: figures.total })}</p>
          <table className="table moderation-figures__table">
            <caption>{t('figures.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('figures.reason')}</th>
                <th scope="col" className="number">
                  {t('figures.count')}
                </th>
              </tr>
            </thead>
            <tbody>
              {figures.byReason.map((row) => (
                <tr key={row.reason}>
                  <th scope="row">{t(`reasons.hide.${row.reason}`)}</th>
                  <td className="number">{formatNumber(row.count, language)}</td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row">{t('figures.total')}</th>
                <td className="number">{formatNumber(figures.total, language)}</td>
              </tr>
            </tfoot>
          </table>
        </>
      )}
    </section>
  )
}
