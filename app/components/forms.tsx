import { getInputProps, getSelectProps, type FieldMetadata } from '@conform-to/react'
import type { InputHTMLAttributes, ReactNode } from 'react'
import { useTranslation } from 'react-i18next'

/** Field errors are i18n keys from the form's namespace; this renders them translated. */
export function ErrorList({ id, errors, ns }: { id?: string; errors?: string[] | null; ns?: string }) {
  const { t } = useTranslation(ns)
  if (!errors?.length) return null
  return (
    <ul id={id} className="field__errors">
      {errors.map((error) => (
        <li key={error}>{t(error)}</li>
      ))}
    </ul>
  )
}

type FieldMeta = { id: string; errorId: string; descriptionId: string; errors?: string[] | undefined }

/**
 * A labelled control with its hint and its errors. The control itself comes from conform's
 * getInputProps, which sets aria-invalid and points aria-describedby at the error list.
 */
export function Field({
  meta,
  label,
  hint,
  ns,
  className,
  children,
}: {
  meta: FieldMeta
  label: ReactNode
  hint?: ReactNode
  ns?: string
  className?: string
  children: ReactNode
}) {
  return (
    <div className={className ? `field ${className}` : 'field'}>
      <label htmlFor={meta.id}>{label}</label>
      {hint ? (
        <p id={meta.descriptionId} className="field__hint">
          {hint}
        </p>
      ) : null}
      {children}
      <ErrorList id={meta.errorId} errors={meta.errors} ns={ns} />
    </div>
  )
}

/** Summary of a failed submission at the top of a form, announced at once. */
export function FormErrors({ errors, ns }: { errors?: string[] | null; ns?: string }) {
  const { t } = useTranslation(ns)
  if (!errors?.length) return null
  return (
    <div className="form-errors" role="alert">
      {errors.map((error) => (
        <p key={error}>{t(error)}</p>
      ))}
    </div>
  )
}

type ConformField = FieldMetadata<string | undefined, Record<string, unknown>, string[]>

/** A text-like input wired by conform, with its label, hint and errors. */
export function TextField({
  meta,
  label,
  hint,
  ns,
  type = 'text',
  ...rest
}: {
  meta: ConformField
  label: ReactNode
  hint?: ReactNode
  ns?: string
  type?: 'text' | 'email' | 'password' | 'url' | 'search' | 'datetime-local' | 'number'
} & Omit<InputHTMLAttributes<HTMLInputElement>, 'type'>) {
  const { key, ...props } = getInputProps(meta, {
    type,
    ariaDescribedBy: hint ? meta.descriptionId : undefined,
    value: type !== 'password',
  })
  return (
    <Field meta={meta} label={label} hint={hint} ns={ns}>
      <input key={key} {...props} {...rest} />
    </Field>
  )
}

/** A select wired by conform; options are already translated. */
export function SelectField({
  meta,
  label,
  hint,
  ns,
  options,
  placeholder,
}: {
  meta: ConformField
  label: ReactNode
  hint?: ReactNode
  ns?: string
  options: { value: string; label: string; lang?: string }[]
  placeholder?: string
}) {
  const { key, ...props } = getSelectProps(meta, { ariaDescribedBy: hint ? meta.descriptionId : undefined })
  return (
    <Field meta={meta} label={label} hint={hint} ns={ns}>
      <select key={key} {...props}>
        {placeholder !== undefined ? <option value="">{placeholder}</option> : null}
        {options.map((option) => (
          <option key={option.value} value={option.value} lang={option.lang}>
            {option.label}
          </option>
        ))}
      </select>
    </Field>
  )
}
