import { logError, safeMessage } from './log.server'

describe('the log', () => {
  it('keeps query parameters and email addresses out of an error message', () => {
    const failed = 'Failed query: insert into "users" ("email", "password_hash") values (?, ?) params: amina@example.org,$argon2id$v=19$secret'
    expect(safeMessage(failed)).toBe('Failed query: insert into "users" ("email", "password_hash") values (?, ?) ')
    expect(safeMessage('No account for wanjiru.kamau@example.org\nsecond line with a comment text')).toBe('No account for [email]')
    expect(safeMessage('x'.repeat(1000))).toHaveLength(200)
  })

  it('writes an error as one JSON line on stderr: kind, redacted message, stack frames', () => {
    let written = ''
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      written += String(chunk)
      return true
    })
    try {
      logError('request failed', new TypeError('Cannot read the profile of amina@example.org'), { method: 'POST', path: '/account' })
    } finally {
      spy.mockRestore()
    }
    expect(written.endsWith('\n')).toBe(true)
    expect(written.trim().split('\n')).toHaveLength(1)
    const entry = JSON.parse(written) as Record<string, string>
    expect(entry).toMatchObject({ level: 'error', msg: 'request failed', method: 'POST', path: '/account', error: 'TypeError' })
    expect(entry.message).toBe('Cannot read the profile of [email]')
    expect(entry.stack).toMatch(/^at /)
    expect(written).not.toContain('amina')
  })
})
