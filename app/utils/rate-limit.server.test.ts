import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fixedT } from '~/modules/i18n/i18n.server'
import { SUPPORTED_LANGUAGES } from '~/modules/i18n/i18n'
import {
  createRateLimits,
  DEFAULT_LIMITS,
  limitVariable,
  openRateLimitStore,
  readLimits,
  retryAfterHeaders,
  tooManyRequests,
  type Limits,
} from './rate-limit.server'

// The process's limits for the route tests below, read on first use.
vi.stubEnv('RATE_LIMIT_LOGIN_ACCOUNT', '2/600')
vi.stubEnv('RATE_LIMIT_LOGIN_IP', '4/600')
vi.stubEnv('RATE_LIMIT_EXPORT_IP', '1/60')

function limits(changes: Partial<Record<keyof Limits, Partial<Limits[keyof Limits]>>>): Limits {
  const result = structuredClone(DEFAULT_LIMITS)
  for (const [action, scopes] of Object.entries(changes)) Object.assign(result[action as keyof Limits], scopes)
  return result
}

const stores: ReturnType<typeof openRateLimitStore>[] = []
function memoryStore() {
  const store = openRateLimitStore(':memory:')
  stores.push(store)
  return store
}
afterAll(() => stores.forEach((store) => store.close()))

describe('configuration', () => {
  it('reads requests/seconds per action and scope, defaults for the rest', () => {
    const read = readLimits({ RATE_LIMIT_LOGIN_ACCOUNT: '3/60', RATE_LIMIT_EXPORT_IP: ' 1000/1 ' })
    expect(read.login.account).toEqual({ points: 3, seconds: 60 })
    expect(read.export.ip).toEqual({ points: 1000, seconds: 1 })
    expect(read.signup).toEqual(DEFAULT_LIMITS.signup)
    expect(limitVariable('comment', 'ip')).toBe('RATE_LIMIT_COMMENT_IP')
  })

  it('refuses a malformed limit, naming the variable', () => {
    expect(() => readLimits({ RATE_LIMIT_SIGNUP_IP: 'many' })).toThrow(/RATE_LIMIT_SIGNUP_IP/)
    expect(() => readLimits({ RATE_LIMIT_COMMENT_ACCOUNT: '0/60' })).toThrow(/RATE_LIMIT_COMMENT_ACCOUNT/)
    expect(() => readLimits({ RATE_LIMIT_LOGIN_IP: '5/0' })).toThrow(/RATE_LIMIT_LOGIN_IP/)
  })
})

describe('counting', () => {
  it('limits one account from any address, and no other account', async () => {
    const rates = createRateLimits(limits({ login: { account: { points: 3, seconds: 600 }, ip: { points: 100, seconds: 600 } } }), memoryStore())
    for (let i = 0; i < 3; i++) {
      expect(await rates.consume('login', { ip: `198.51.100.${i}`, account: 'amina@example.org' })).toEqual({ limited: false })
    }
    const fourth = await rates.consume('login', { ip: '198.51.100.99', account: 'amina@example.org' })
    expect(fourth).toMatchObject({ limited: true, scope: 'account' })
    expect(fourth.limited && fourth.retryAfter).toBeGreaterThan(0)
    expect(fourth.limited && fourth.retryAfter).toBeLessThanOrEqual(600)
    expect(await rates.consume('login', { ip: '198.51.100.99', account: 'wanjiru@example.org' })).toEqual({ limited: false })
  })

  it('limits one address whatever account it names, and no other address', async () => {
    const rates = createRateLimits(limits({ signup: { ip: { points: 2, seconds: 3600 }, account: { points: 5, seconds: 3600 } } }), memoryStore())
    expect(await rates.consume('signup', { ip: '203.0.113.5', account: 'a@example.org' })).toEqual({ limited: false })
    expect(await rates.consume('signup', { ip: '203.0.113.5', account: 'b@example.org' })).toEqual({ limited: false })
    expect(await rates.consume('signup', { ip: '203.0.113.5', account: 'c@example.org' })).toMatchObject({ limited: true, scope: 'ip' })
    expect(await rates.consume('signup', { ip: '203.0.113.6', account: 'c@example.org' })).toEqual({ limited: false })
  })

  it('keeps each action’s count apart', async () => {
    const rates = createRateLimits(limits({ comment: { account: { points: 1, seconds: 600 } }, export: { account: { points: 1, seconds: 60 } } }), memoryStore())
    expect(await rates.consume('comment', { ip: '192.0.2.1', account: 'user-1' })).toEqual({ limited: false })
    expect(await rates.consume('export', { ip: '192.0.2.1', account: 'user-1' })).toEqual({ limited: false })
    expect(await rates.consume('comment', { ip: '192.0.2.1', account: 'user-1' })).toMatchObject({ limited: true, scope: 'account' })
  })

  it('stores hashed keys only, and shares the count between processes using one file', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'concord-rate-')), 'rate-limits.db')
    const first = openRateLimitStore(file)
    const second = openRateLimitStore(file)
    stores.push(first, second)
    const config = limits({ login: { account: { points: 2, seconds: 600 } } })
    const a = createRateLimits(config, first)
    const b = createRateLimits(config, second)
    expect(await a.consume('login', { ip: '198.51.100.7', account: 'amina@example.org' })).toEqual({ limited: false })
    expect(await b.consume('login', { ip: '198.51.100.8', account: 'amina@example.org' })).toEqual({ limited: false })
    expect(await a.consume('login', { ip: '198.51.100.9', account: 'amina@example.org' })).toMatchObject({ limited: true })
    const keys = first.prepare('select key from rate_limits').all() as { key: string }[]
    expect(keys.length).toBeGreaterThan(0)
    expect(keys.map((row) => row.key).join(' ')).not.toMatch(/amina|example|198\.51/)
  })
})

describe('the 429 answer', () => {
  it('has a message in every language', () => {
    const english = fixedT('en')('errors.rateLimited')
    for (const language of SUPPORTED_LANGUAGES) {
      const message = fixedT(language)('errors.rateLimited')
      expect(message).not.toBe('errors.rateLimited')
      if (language !== 'en') expect(message).not.toBe(english)
    }
  })

  it('is a page in the reader’s language for a browser, JSON or text for other clients', async () => {
    const ask = (accept: string, language: string) =>
      tooManyRequests(new Request('http://localhost/rounds/1/summary.json', { headers: { Accept: accept, 'Accept-Language': language } }), 42)
    const page = await ask('text/html,application/xhtml+xml', 'fr-FR,fr;q=0.9')
    expect(page.status).toBe(429)
    expect(page.headers.get('Retry-After')).toBe('42')
    expect(page.headers.get('Content-Type')).toMatch(/^text\/html/)
    const html = await page.text()
    expect(html).toContain('<html lang="fr" dir="ltr">')
    expect(html).toContain(fixedT('fr')('errors.rateLimited').replace(/'/g, '&#39;'))

    const arabic = await (await ask('text/html', 'ar')).text()
    expect(arabic).toContain('<html lang="ar" dir="rtl">')
    expect(arabic).toContain(fixedT('ar')('errors.rateLimited'))

    const json = await ask('application/json', 'ru')
    expect(json.headers.get('Retry-After')).toBe('42')
    expect(await json.json()).toEqual({ error: fixedT('ru')('errors.rateLimited'), retryAfter: 42 })

    const text = await ask('*/*', 'zh-CN')
    expect(await text.text()).toBe(`${fixedT('zh')('errors.rateLimited')}\n`)
  })

  it('passes Retry-After from the action to the document or data response', () => {
    const empty = new Headers()
    const fromAction = retryAfterHeaders({ actionHeaders: new Headers({ 'Retry-After': '30' }), loaderHeaders: empty, parentHeaders: empty, errorHeaders: undefined })
    expect(new Headers(fromAction).get('Retry-After')).toBe('30')
    const none = retryAfterHeaders({ actionHeaders: empty, loaderHeaders: empty, parentHeaders: empty, errorHeaders: undefined })
    expect([...new Headers(none).keys()]).toEqual([])
  })
})

describe('routes', () => {
  function loginRequest(email: string) {
    const body = new URLSearchParams({ email, password: 'not the password' })
    return new Request('http://localhost/login', { method: 'POST', body, headers: { 'Accept-Language': 'es' } })
  }
  type Init = { status?: number; headers?: HeadersInit }
  type Reply = { init: Init | null; data: { error?: Record<string, string[] | null> } }

  it('log-in answers 429 with Retry-After after the account’s limit, from any address; another account goes on', async () => {
    const { action } = await import('~/routes/login')
    const attempt = async (email: string, address: string) =>
      (await action({ request: loginRequest(email), params: {}, context: { cspNonce: '', clientAddress: address } })) as unknown as Reply
    expect((await attempt('nobody@example.org', '198.51.100.1')).init?.status).toBe(400)
    expect((await attempt('nobody@example.org', '198.51.100.2')).init?.status).toBe(400)
    const limited = await attempt('NOBODY@example.org', '198.51.100.3')
    expect(limited.init?.status).toBe(429)
    expect(Number(new Headers(limited.init?.headers).get('Retry-After'))).toBeGreaterThan(0)
    expect(limited.data.error?.['']).toEqual(['common:errors.rateLimited'])
    // Another account from the last address: its own count, the address's count still under 4.
    expect((await attempt('somebody@example.org', '198.51.100.3')).init?.status).toBe(400)
  })

  it('log-in answers 429 after the address’s limit, whatever account it names', async () => {
    const { action } = await import('~/routes/login')
    const attempt = async (email: string) =>
      (await action({ request: loginRequest(email), params: {}, context: { cspNonce: '', clientAddress: '203.0.113.77' } })) as unknown as Reply
    const statuses = []
    for (const name of ['a', 'b', 'c', 'd', 'e']) statuses.push((await attempt(`${name}@example.org`)).init?.status)
    expect(statuses).toEqual([400, 400, 400, 400, 429])
  })

  it('a summary export answers 429 in the reader’s language once the address is over its limit', async () => {
    const { loader } = await import('~/routes/rounds.$roundId.summary[.]json')
    const request = () => new Request('http://localhost/rounds/999999/summary.json', { headers: { 'Accept-Language': 'fr', Accept: 'application/json' } })
    const context = { cspNonce: '', clientAddress: '192.0.2.44' }
    // The first request is counted and goes on (this round has no published summary: 404).
    const first = await loader({ request: request(), params: { roundId: '999999' }, context }).catch((thrown: unknown) => thrown)
    expect(first).toBeInstanceOf(Response)
    expect((first as Response).status).toBe(404)
    const second = await loader({ request: request(), params: { roundId: '999999' }, context }).catch((thrown: unknown) => thrown)
    expect(second).toBeInstanceOf(Response)
    expect((second as Response).status).toBe(429)
    expect((second as Response).headers.get('Retry-After')).toMatch(/^\d+$/)
    expect(await (second as Response).json()).toMatchObject({ error: fixedT('fr')('errors.rateLimited') })
  })
})
