import { getFieldsetProps, getInputProps, type FormMetadata } from '@conform-to/react'
import { useTranslation } from 'react-i18next'
import { ErrorList, SelectField, TextField } from '~/components/forms'
import { textDirection } from '~/modules/i18n/i18n'
import { ErrorSummary, TextareaField } from './form-parts'
import type { DraftInput } from './norms.schema'

export type DraftFormValue = {
  title: string
  preamble: string
  sourceLanguage: string
  clauses: { label: string; heading: string; text: string }[]
}

/** The form's starting value for a version being edited, or a blank draft with one clause. */
export function draftDefaults(
  version?: {
    title: string
    preamble: string
    sourceLanguage: string
    clauses: { label: string; heading: string | null; text: string }[]
  },
  sourceLanguage = 'en',
): DraftFormValue {
  if (!version) return { title: '', preamble: '', sourceLanguage, clauses: [{ label: '1', heading: '', text: '' }] }
  return {
    title: version.title,
    preamble: version.preamble,
    sourceLanguage: version.sourceLanguage,
    clauses: version.clauses.map((clause) => ({
      label: clause.label,
      heading: clause.heading ?? '',
      text: clause.text,
    })),
  }
}

const CLAUSE_FIELD = /^clauses\[(\d+)\]\.?(label|heading|text)?$/

/**
 * Title, source language, preamble and the clauses of a draft. Adding, removing and moving a clause
 * are submit buttons (conform list intents): without JavaScript the server sends the form back with
 * the change made and everything typed kept; with JavaScript the change happens in place.
 */
export function DraftFields({
  form,
  languageOptions,
  intent,
  submitLabel,
}: {
  form: FormMetadata<DraftInput, string[]>
  languageOptions: { value: string; label: string; lang?: string }[]
  /** The form's main action: pressing Enter in a field submits it, never a list button below. */
  intent: string
  submitLabel: string
}) {
  const { t } = useTranslation('norms')
  const fields = form.getFieldset()
  const clauses = fields.clauses.getFieldList()
  const language = String(fields.sourceLanguage.value ?? fields.sourceLanguage.initialValue ?? '')
  const direction = language ? textDirection(language) : undefined
  const describe = (name: string) => {
    const match = CLAUSE_FIELD.exec(name)
    if (match) {
      const clause = t('draft.clauseRow', { position: Number(match[1]) + 1 })
      return match[2] ? `${clause} · ${t(`draft.fields.${match[2]}`)}` : clause
    }
    if (name === 'clauses') return t('draft.clausesTitle')
    return ['title', 'preamble', 'sourceLanguage'].includes(name) ? t(`draft.fields.${name}`) : null
  }
  return (
    <>
      <button type="submit" name="intent" value={intent} className="visually-hidden" tabIndex={-1} aria-hidden="true">
        {submitLabel}
      </button>
      <ErrorSummary formId={form.id} errors={form.allErrors} describe={describe} />
      <TextField
        meta={fields.title}
        label={t('draft.fields.title')}
        ns="norms"
        lang={language || undefined}
        dir={direction}
      />
      <SelectField
        meta={fields.sourceLanguage}
        label={t('draft.fields.sourceLanguage')}
        hint={t('draft.sourceLanguageHint')}
        ns="norms"
        options={languageOptions}
      />
      <TextareaField
        meta={fields.preamble}
        label={t('draft.fields.preamble')}
        hint={t('draft.preambleHint')}
        rows={4}
        lang={language || undefined}
        dir={direction}
      />
      <fieldset
        id={fields.clauses.id}
        className="fieldset clause-list"
        aria-describedby={fields.clauses.errors ? fields.clauses.errorId : undefined}
      >
        <legend>{t('draft.clausesTitle')}</legend>
        <p className="field__hint">{t('draft.clausesHint')}</p>
        <ErrorList id={fields.clauses.errorId} errors={fields.clauses.errors} ns="norms" />
        <ol className="clause-editor-list">
          {clauses.map((clause, index) => {
            const clauseFields = clause.getFieldset()
            const row = t('draft.clauseRow', { position: index + 1 })
            const { key: labelKey, ...labelProps } = getInputProps(clauseFields.label, {
              type: 'text',
              ariaDescribedBy: clauseFields.label.descriptionId,
            })
            return (
              <li key={clause.key} className="clause-editor">
                <fieldset {...getFieldsetProps(clause)} className="fieldset">
                  <legend>{row}</legend>
                  <div className="clause-editor__grid">
                    <div className="field clause-editor__label">
                      <label htmlFor={clauseFields.label.id}>{t('draft.fields.label')}</label>
                      <p id={clauseFields.label.descriptionId} className="field__hint">
                        {t('draft.labelHint')}
                      </p>
                      <input key={labelKey} {...labelProps} inputMode="text" autoComplete="off" spellCheck={false} />
                      <ErrorList id={clauseFields.label.errorId} errors={clauseFields.label.errors} ns="norms" />
                    </div>
                    <TextField
                      meta={clauseFields.heading}
                      label={t('draft.fields.heading')}
                      hint={t('draft.headingHint')}
                      ns="norms"
                      lang={language || undefined}
                      dir={direction}
                    />
                  </div>
                  <TextareaField
                    meta={clauseFields.text}
                    label={t('draft.fields.text')}
                    rows={4}
                    lang={language || undefined}
                    dir={direction}
                  />
                  <div className="actions clause-editor__actions">
                    <button
                      {...form.reorder.getButtonProps({ name: fields.clauses.name, from: index, to: index - 1 })}
                      className="button button--small button--quiet"
                      disabled={index === 0}
                    >
                      {t('draft.moveUp')}
                      <span className="visually-hidden"> · {row}</span>
                    </button>
                    <button
                      {...form.reorder.getButtonProps({ name: fields.clauses.name, from: index, to: index + 1 })}
                      className="button button--small button--quiet"
                      disabled={index === clauses.length - 1}
                    >
                      {t('draft.moveDown')}
                      <span className="visually-hidden"> · {row}</span>
                    </button>
                    <button
                      {...form.remove.getButtonProps({ name: fields.clauses.name, index })}
                      className="button button--small button--quiet"
                    >
                      {t('draft.removeClause')}
                      <span className="visually-hidden"> · {row}</span>
                    </button>
                  </div>
                </fieldset>
              </li>
            )
          })}
        </ol>
        <button
          {...form.insert.getButtonProps({
            name: fields.clauses.name,
            defaultValue: { label: String(clauses.length + 1), heading: '', text: '' },
          })}
          className="button button--quiet"
        >
          {t('draft.addClause')}
        </button>
      </fieldset>
    </>
  )
}
