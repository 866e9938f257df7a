import { useEffect, useRef } from 'react'
import { useTranslation } from 'react-i18next'
import { useHydrated } from './use-hydrated'

export type SummaryError = { message: string; href?: string }

/**
 * The errors of a failed submission at the top of a form, announced at once, each linked to its
 * field. It takes focus for each failed submission: after a full page load (no JavaScript) through
 * the autofocus attribute, after a script-driven submission through the effect (focusKey changes).
 */
export function ErrorSummary({
  id,
  title,
  errors,
  ns,
  focusKey,
}: {
  id: string
  title: string
  errors: SummaryError[]
  ns?: string
  /** Changes with every new failed submission, so focus moves again. */
  focusKey?: unknown
}) {
  const { t } = useTranslation(ns)
  const ref = useRef<HTMLDivElement>(null)
  const hydrated = useHydrated()
  const hasErrors = errors.length > 0
  // Focus moves once for each new failed submission (focusKey changes), never while the participant
  // is typing. The errors of a server answer may reach the form a render after the answer itself.
  const pending = useRef(false)
  useEffect(() => {
    pending.current = true
    const timer = setTimeout(() => (pending.current = false), 1000)
    return () => clearTimeout(timer)
  }, [focusKey])
  useEffect(() => {
    if (pending.current && hasErrors) {
      pending.current = false
      ref.current?.focus()
    }
  }, [focusKey, hasErrors])
  if (!hasErrors) return null
  return (
    // eslint-disable-next-line jsx-a11y/no-autofocus -- after a failed no-JS submission focus must reach the errors
    <div ref={ref} id={id} className="form-errors error-summary" role="alert" tabIndex={-1} autoFocus={!hydrated} aria-labelledby={`${id}-title`}>
      <p id={`${id}-title`} className="error-summary__title">
        {title}
      </p>
      <ul>
        {errors.map((error, index) => (
          <li key={`${error.message}-${index}`}>{error.href ? <a href={error.href}>{t(error.message)}</a> : t(error.message)}</li>
        ))}
      </ul>
    </div>
  )
}
