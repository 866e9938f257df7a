import { useEffect, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'

/** Counts as the server counts: code points, so an emoji or a CJK character is one. */
function codePoints(text: string) {
  let count = 0
  for (const _ of text) count++
  return count
}

const QUIET_MS = 400

/**
 * The live count of a textarea's characters against its limit. Without JavaScript it renders
 * nothing: the limit is stated in the field's hint. With JavaScript it follows the textarea (found
 * by id) from the first keystroke, and tells screen readers politely once the typing pauses, or at
 * once when the text goes over the limit.
 */
export function CharacterCount({ id, textareaId, max }: { id: string; textareaId: string; max: number }) {
  const { t } = useTranslation('comments')
  const [count, setCount] = useState<number | null>(null)
  const timer = useRef<ReturnType<typeof setTimeout>>()
  useEffect(() => {
    const textarea = document.getElementById(textareaId)
    if (!(textarea instanceof HTMLTextAreaElement)) return
    // Nothing is announced until the participant types here: a page of forms stays quiet on load.
    const update = () => {
      const next = codePoints(textarea.value)
      clearTimeout(timer.current)
      if (next > max) setCount(next)
      else timer.current = setTimeout(() => setCount(next), QUIET_MS)
    }
    textarea.addEventListener('input', update)
    return () => {
      textarea.removeEventListener('input', update)
      clearTimeout(timer.current)
    }
  }, [textareaId, max])
  const over = count !== null && count > max
  return (
    <p id={id} className={over ? 'char-count char-count--over' : 'char-count'} aria-live="polite">
      {count === null
        ? null
        : over
          ? t('form.countOver', { count: count - max })
          : t('form.countLeft', { count: max - count })}
    </p>
  )
}
