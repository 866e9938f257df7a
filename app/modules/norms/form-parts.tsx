import { getInputProps, getTextareaProps, type FieldMetadata } from '@conform-to/react'
import type { ReactNode, TextareaHTMLAttributes } from 'react'
import { useTranslation } from 'react-i18next'
import { ErrorList, Field } from '~/components/forms'
import { textDirection } from '~/modules/i18n/i18n'

type ConformField = FieldMetadata<string | undefined, Record<string, unknown>, string[]>

/** A textarea wired by conform, with its label, hint and errors (the shared TextField is for inputs). */
export function TextareaField({
  meta,
  label,
  hint,
  ns = 'norms',
  ...rest
}: {
  meta: ConformField
  label: ReactNode
  hint?: ReactNode
  ns?: string
} & Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, 'name' | 'id' | 'defaultValue'>) {
  const { key, ...props } = getTextareaProps(meta, { ariaDescribedBy: hint ? meta.descriptionId : undefined })
  return (
    <Field meta={meta} label={label} hint={hint} ns={ns}>
      <textarea key={key} {...props} {...rest} />
    </Field>
  )
}

/**
 * The summary of a failed submission at the top of a form, announced at once: how many problems,
 * and each one linked to its control. `describe` names the field an error belongs to.
 */
export function ErrorSummary({
  formId,
  errors,
  describe,
  target = (name) => `${formId}-${name}`,
  ns = 'norms',
}: {
  formId: string
  errors: Record<string, string[] | null | undefined>
  describe?: (name: string) => string | null
  /** The id of the element an error is shown at (by default conform's id of its field). */
  target?: (name: string) => string
  ns?: string
}) {
  const { t } = useTranslation(ns)
  const entries = Object.entries(errors).flatMap(([name, messages]) =>
    (messages ?? []).map((message) => ({ name, message })),
  )
  if (!entries.length) return null
  return (
    <div className="form-errors" role="alert">
      <p className="form-errors__title">{t('form.problems', { count: entries.length })}</p>
      <ul>
        {entries.map(({ name, message }) => {
          const field = name ? describe?.(name) : null
          const text = field ? t('form.problemOf', { field, message: t(message) }) : t(message)
          return <li key={`${name}:${message}`}>{name ? <a href={`#${target(name)}`}>{text}</a> : text}</li>
        })}
      </ul>
    </div>
  )
}

/** Text in another language than the page: marked with its language and direction. */
export function Foreign({
  lang,
  pageLanguage,
  as: Tag = 'span',
  className,
  children,
}: {
  lang: string
  pageLanguage: string
  as?: 'span' | 'p' | 'div' | 'blockquote'
  className?: string
  children: ReactNode
}) {
  if (lang === pageLanguage) return <Tag className={className}>{children}</Tag>
  return (
    <Tag lang={lang} dir={textDirection(lang)} className={className}>
      {children}
    </Tag>
  )
}

/** The source text beside the box for its translation; the box's description is the source. */
export function SideBySide({
  source,
  sourceLanguage,
  sourceLabel,
  pageLanguage,
  meta,
  label,
  target,
  multiline = false,
}: {
  source: string
  sourceLanguage: string
  sourceLabel: ReactNode
  pageLanguage: string
  meta: FieldMetadata<string | undefined, Record<string, unknown>, string[]>
  label: ReactNode
  target: string
  multiline?: boolean
}) {
  const control = multiline
    ? (() => {
        const { key, ...props } = getTextareaProps(meta, { ariaDescribedBy: meta.descriptionId })
        return (
          <textarea
            key={key}
            {...props}
            rows={Math.min(12, 3 + Math.ceil(source.length / 90))}
            lang={target}
            dir={textDirection(target)}
          />
        )
      })()
    : (() => {
        const { key, ...props } = getInputProps(meta, { type: 'text', ariaDescribedBy: meta.descriptionId })
        return <input key={key} {...props} lang={target} dir={textDirection(target)} />
      })()
  return (
    <div className="side-by-side">
      <div className="side-by-side__source" id={meta.descriptionId}>
        <p className="side-by-side__label">{sourceLabel}</p>
        <Foreign lang={sourceLanguage} pageLanguage={pageLanguage} as="p" className="side-by-side__text">
          {source}
        </Foreign>
      </div>
      <div className="field side-by-side__target">
        <label htmlFor={meta.id}>{label}</label>
        {control}
        <ErrorList id={meta.errorId} errors={meta.errors} ns="norms" />
      </div>
    </div>
  )
}
