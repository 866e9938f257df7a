import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import type { AppLoadContext, HeadersFunction } from '@remix-run/node'
import Database from 'better-sqlite3'
import { RateLimiterMemory, RateLimiterRes, RateLimiterSQLite, type RateLimiterAbstract } from 'rate-limiter-flexible'
import { textDirection } from '~/modules/i18n/i18n'
import { fixedT, getLanguage } from '~/modules/i18n/i18n.server'
import { log } from './log.server'
import { keepStatements } from './statements.server'

/**
 * Rate limits on the requests an attacker or a flood would repeat: sign-up, log-in, comment
 * submission and exports. Each is counted per client address and per account (the email typed in
 * for sign-up and log-in, the signed-in user otherwise); a request over either limit gets a 429 with
 * Retry-After and a message in the reader's language. The counters live in a SQLite file of their
 * own, beside the main database (see the README's decision on rate limits).
 */
export const RATE_LIMITED_ACTIONS = ['signup', 'login', 'comment', 'export'] as const
export type RateLimitedAction = (typeof RATE_LIMITED_ACTIONS)[number]
export const RATE_LIMIT_SCOPES = ['ip', 'account'] as const
export type RateLimitScope = (typeof RATE_LIMIT_SCOPES)[number]

export type Limit = { points: number; seconds: number }
export type Limits = Record<RateLimitedAction, Record<RateLimitScope, Limit>>

/** Generous enough for a workshop of people behind one address, tight enough to stop guessing. */
export const DEFAULT_LIMITS: Limits = {
  signup: { ip: { points: 30, seconds: 3600 }, account: { points: 5, seconds: 3600 } },
  login: { ip: { points: 100, seconds: 900 }, account: { points: 10, seconds: 900 } },
  comment: { ip: { points: 300, seconds: 600 }, account: { points: 60, seconds: 600 } },
  export: { ip: { points: 60, seconds: 60 }, account: { points: 30, seconds: 60 } },
}

/** `RATE_LIMIT_LOGIN_ACCOUNT`, …: each holds `requests/seconds`, e.g. `10/900`. */
export function limitVariable(action: RateLimitedAction, scope: RateLimitScope) {
  return `RATE_LIMIT_${action.toUpperCase()}_${scope.toUpperCase()}`
}

/** The limits from the environment, defaults for the variables not set; a malformed one stops the start. */
export function readLimits(env: Record<string, string | undefined> = process.env): Limits {
  const limits = structuredClone(DEFAULT_LIMITS)
  for (const action of RATE_LIMITED_ACTIONS) {
    for (const scope of RATE_LIMIT_SCOPES) {
      const name = limitVariable(action, scope)
      const value = env[name]?.trim()
      if (!value) continue
      const match = /^(\d{1,9})\/(\d{1,7})$/.exec(value)
      const points = Number(match?.[1])
      const seconds = Number(match?.[2])
      if (!match || points < 1 || seconds < 1) {
        throw new Error(`${name} must be requests/seconds with both at least 1, e.g. 10/900; it is "${value}"`)
      }
      limits[action][scope] = { points, seconds }
    }
  }
  return limits
}

export type RateLimitVerdict = { limited: false } | { limited: true; scope: RateLimitScope; retryAfter: number }

/** Keys are hashed: the counters hold no address or email in the clear. */
function hashKey(value: string) {
  return crypto.createHash('sha256').update(value).digest('base64url').slice(0, 32)
}

const TABLE = 'rate_limits'

/**
 * Opens the counters' store. WAL, so every process of a cluster shares one count without waiting
 * long on another; synchronous=OFF, because a counter lost to a power cut costs nothing.
 */
export function openRateLimitStore(file: string) {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true })
  const store = new Database(file)
  store.pragma('journal_mode = WAL')
  store.pragma('synchronous = OFF')
  store.pragma('busy_timeout = 2000')
  store.exec(`CREATE TABLE IF NOT EXISTS ${TABLE} (key TEXT PRIMARY KEY, points INTEGER NOT NULL DEFAULT 0, expire INTEGER)`)
  // rate-limiter-flexible prepares its upsert on every request: the connection keeps it compiled.
  keepStatements(store)
  return store
}

export function createRateLimits(limits: Limits, store: Database.Database) {
  const limiters = new Map<string, RateLimiterAbstract>()
  for (const action of RATE_LIMITED_ACTIONS) {
    for (const scope of RATE_LIMIT_SCOPES) {
      const { points, seconds } = limits[action][scope]
      const options = { keyPrefix: `${action}:${scope}`, points, duration: seconds }
      limiters.set(
        `${action}:${scope}`,
        new RateLimiterSQLite({
          ...options,
          storeClient: store,
          storeType: 'better-sqlite3',
          tableName: TABLE,
          tableCreated: true,
          clearExpiredByTimeout: true,
          // Counts on in memory if the file is ever locked or unwritable, rather than failing the request.
          insuranceLimiter: new RateLimiterMemory(options),
        }),
      )
    }
  }

  /** Counts one request against each given key; limited when any count is over its limit. */
  async function consume(action: RateLimitedAction, keys: Partial<Record<RateLimitScope, string | null>>): Promise<RateLimitVerdict> {
    let verdict: RateLimitVerdict = { limited: false }
    for (const scope of RATE_LIMIT_SCOPES) {
      const key = keys[scope]
      if (!key) continue
      try {
        await limiters.get(`${action}:${scope}`)!.consume(hashKey(key))
      } catch (rejection) {
        if (!(rejection instanceof RateLimiterRes)) throw rejection
        const retryAfter = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000))
        if (!verdict.limited || retryAfter > verdict.retryAfter) verdict = { limited: true, scope, retryAfter }
      }
    }
    return verdict
  }

  return { consume, limits }
}

export type RateLimits = ReturnType<typeof createRateLimits>

function defaultStorePath() {
  if (process.env.RATE_LIMIT_DATABASE_PATH) return process.env.RATE_LIMIT_DATABASE_PATH
  const main = process.env.DATABASE_PATH
  if (main === ':memory:') return ':memory:'
  return path.join(main ? path.dirname(main) : path.join(process.cwd(), 'data'), 'rate-limits.db')
}

declare global {
  var __concordRateLimits: RateLimits | undefined
}

/** The process's limits, made on first use (so a test can set the variables before). */
export function rateLimits(): RateLimits {
  return (globalThis.__concordRateLimits ??= createRateLimits(readLimits(), openRateLimitStore(defaultStorePath())))
}

/** The client's address as server.js saw it (behind a proxy only with TRUST_PROXY=1). */
export function clientAddress(context: AppLoadContext | undefined) {
  const address = context?.clientAddress
  return typeof address === 'string' && address ? address : 'unknown'
}

export type RateLimitAnswer = { retryAfter: number; headers: Headers }

/**
 * Counts this request for the action, per client address and per account. Returns null when it may
 * go on, else what a 429 needs: the seconds to wait and the Retry-After header.
 */
export async function checkRateLimit(
  { context }: { request: Request; context?: AppLoadContext },
  action: RateLimitedAction,
  account?: string | null,
): Promise<RateLimitAnswer | null> {
  const verdict = await rateLimits().consume(action, {
    ip: clientAddress(context),
    account: account ? account.trim().toLowerCase() : null,
  })
  if (!verdict.limited) return null
  // Which limit, never whose: no address or email in the log.
  log('warn', 'rate limited', { action, scope: verdict.scope })
  return { retryAfter: verdict.retryAfter, headers: new Headers({ 'Retry-After': String(verdict.retryAfter) }) }
}

/** The key of the form error a limited form shows (common namespace). */
export const RATE_LIMITED_MESSAGE = 'common:errors.rateLimited'

/**
 * A route's `headers` export: Remix passes on only cookies from loaders and actions, so a route
 * whose action can answer 429 hands the Retry-After header on with this.
 */
export const retryAfterHeaders: HeadersFunction = ({ actionHeaders, loaderHeaders, errorHeaders }) => {
  const headers = new Headers()
  const retryAfter = actionHeaders.get('Retry-After') ?? errorHeaders?.get('Retry-After') ?? loaderHeaders.get('Retry-After')
  if (retryAfter) headers.set('Retry-After', retryAfter)
  return headers
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!)

/**
 * The 429 of a resource route (the exports), in the reader's language: a small page for a browser
 * that navigated to it, JSON for a client that asks for JSON, plain text otherwise.
 */
export async function tooManyRequests(request: Request, retryAfter: number) {
  const language = await getLanguage(request)
  const t = fixedT(language, 'common')
  const title = t('errors.429.title')
  const message = t('errors.rateLimited')
  const headers = new Headers({ 'Retry-After': String(retryAfter), 'Cache-Control': 'no-store', 'Content-Language': language })
  const accept = request.headers.get('Accept') ?? ''
  if (/\btext\/html\b/.test(accept)) {
    headers.set('Content-Type', 'text/html; charset=utf-8')
    const page = `<!doctype html>
<html lang="${language}" dir="${textDirection(language)}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)} · Concord</title></head>
<body><main><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p><p><a href="/">${escapeHtml(t('errors.home'))}</a></p></main></body>
</html>
`
    return new Response(page, { status: 429, headers })
  }
  if (/\bapplication\/json\b/.test(accept)) {
    headers.set('Content-Type', 'application/json; charset=utf-8')
    return new Response(JSON.stringify({ error: message, retryAfter }), { status: 429, headers })
  }
  headers.set('Content-Type', 'text/plain; charset=utf-8')
  return new Response(`${message}\n`, { status: 429, headers })
}

/** For resource routes: throws the 429 when the request is over a limit. */
export async function enforceRateLimit(args: { request: Request; context?: AppLoadContext }, action: RateLimitedAction, account?: string | null) {
  const limited = await checkRateLimit(args, action, account)
  if (limited) throw await tooManyRequests(args.request, limited.retryAfter)
}
