import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { getFixedT } from '~/modules/i18n/i18n.server'

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data?.title ?? 'Concord' },
  { name: 'description', content: data?.description ?? '' },
]

export async function loader({ request }: LoaderFunctionArgs) {
  const { t } = await getFixedT(request, 'common')
  return { title: `Concord · ${t('home.tagline')}`, description: t('home.lead') }
}

export default function Home() {
  const { t } = useTranslation()
  useLoaderData<typeof loader>()
  return (
    <div className="page">
      <section className="hero" aria-labelledby="home-title">
        <h1 id="home-title">{t('home.tagline')}</h1>
        <p className="lead">{t('home.lead')}</p>
        <p className="actions">
          <Link to="/consultations" className="button">
            {t('home.browse')}
          </Link>
          <Link to="/signup" className="button button--quiet">
            {t('home.join')}
          </Link>
        </p>
      </section>
      <section className="principles" aria-labelledby="principles-title">
        <h2 id="principles-title">{t('home.principlesTitle')}</h2>
        <ul className="cards">
          {(['heard', 'grouped', 'handled'] as const).map((key) => (
            <li key={key} className="card">
              <h3>{t(`home.principles.${key}.title`)}</h3>
              <p>{t(`home.principles.${key}.body`)}</p>
            </li>
          ))}
        </ul>
      </section>
    </div>
  )
}
