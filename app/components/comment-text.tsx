/**
 * A comment's text exactly as its author wrote it: rendered as text (React escapes it), with its
 * language and the direction of its own first strong character, white space and line breaks kept.
 */
export function CommentText({
  text,
  language,
  className,
}: {
  text: string
  language: string | null
  className?: string
}) {
  return (
    <div lang={language ?? ''} dir="auto" className={className ? `comment-text ${className}` : 'comment-text'}>
      {text}
    </div>
  )
}
