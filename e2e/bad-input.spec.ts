import http from 'node:http'
import { expect, test } from './fixtures'

/**
 * Bodies over the limit (MAX_BODY_BYTES, 2 MB by default) get 413 before anything is read, on every
 * state-changing route but the comment import, which takes files of up to 50 MB; a body that does
 * not say its length gets 411. (The naughty strings are in app/test/naughty-strings.test.ts.)
 */
const LIMIT = 2 * 1024 * 1024

test('a form body over the limit gets 413, one within it is read', async ({ request, baseURL }) => {
  const headers = { 'Content-Type': 'application/x-www-form-urlencoded', Origin: baseURL! }
  const over = await request.post('/signup', { headers, data: `displayName=${'a'.repeat(LIMIT)}` })
  expect(over.status()).toBe(413)
  // Within the limit the form is read and refused for what it says: a 400, not a 413.
  const within = await request.post('/signup', { headers, data: `displayName=${'a'.repeat(LIMIT - 1000)}` })
  expect(within.status()).toBe(400)
})

test('the comment import takes more than the general limit', async ({ request, baseURL }) => {
  const response = await request.post('/moderate/rounds/1/import', {
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: baseURL! },
    data: `markdown=${'a'.repeat(LIMIT + 1000)}`,
  })
  // Past the size check: a visitor is then refused for who they are.
  expect(response.status()).toBe(401)
})

test('a chunked body without a length gets 411', async ({ baseURL }) => {
  const url = new URL('/signup', baseURL)
  const status = await new Promise<number>((resolve, reject) => {
    const req = http.request(
      { host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: url.origin, 'Transfer-Encoding': 'chunked' } },
      (res) => {
        res.resume()
        resolve(res.statusCode ?? 0)
      },
    )
    req.on('error', reject)
    req.write('displayName=')
    req.end('a'.repeat(1000))
  })
  expect(status).toBe(411)
})
