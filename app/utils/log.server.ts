/**
 * The server's log: one JSON object per line (stdout, errors on stderr), for a log collector to
 * parse. It never holds personal data: no email, name, comment text, password, session id or
 * client address. Requests are logged by server.js (method, path, status, time).
 */
type Field = string | number | boolean | null

export function log(level: 'info' | 'warn' | 'error', msg: string, fields: Record<string, Field> = {}) {
  const line = JSON.stringify({ level, msg, ...fields }) + '\n'
  if (level === 'error') process.stderr.write(line)
  else process.stdout.write(line)
}

const EMAIL = /[^\s@<>()[\]"'`,;:]+@[^\s@<>()[\]"'`,;:]+/g

/**
 * What an error message may say in the log: its first line, without the parameters drizzle appends
 * to a failed query (they are the user's data) and without email addresses, at most 200 characters.
 */
export function safeMessage(message: string) {
  const firstLine = message.split('\n')[0] ?? ''
  return firstLine.replace(/\bparams:.*$/, '').replace(EMAIL, '[email]').slice(0, 200)
}

/** An unexpected error: its kind, its redacted message and where in the code it was thrown. */
export function logError(msg: string, error: unknown, fields: Record<string, Field> = {}) {
  const err = error instanceof Error ? error : new Error(typeof error === 'string' ? error : 'non-error thrown')
  const frames = (err.stack ?? '')
    .split('\n')
    .filter((line) => /^\s+at /.test(line))
    .slice(0, 8)
    .map((line) => line.trim())
  log('error', msg, { ...fields, error: err.name, message: safeMessage(err.message), stack: frames.join(' | ') })
}
