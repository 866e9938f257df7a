import { useTranslation } from 'react-i18next'
import type { Flash } from '~/utils/flash.server'

/**
 * The one-time message after a redirect, announced politely to screen readers. Its key names its
 * namespace ("accounts:flash.loggedOut"), which the page it lands on may not have loaded in the
 * browser yet: the region stays empty until it has, then announces the message once.
 */
export function FlashMessage({ flash }: { flash: Flash }) {
  const separator = flash.key.indexOf(':')
  const { t, ready } = useTranslation(separator > 0 ? ['common', flash.key.slice(0, separator)] : 'common')
  return (
    <div className={`flash flash--${flash.kind ?? 'success'}`} role="status">
      {ready ? t(flash.key, flash.values) : null}
    </div>
  )
}
