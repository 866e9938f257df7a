import fs from 'node:fs'
import { createRequire } from 'node:module'
import type * as Router from '@remix-run/router'

/**
 * patches/@remix-run+router+*.patch (applied by `patch-package` after every install) makes the
 * server's router rank a routes array's branches once and keep compiled route paths, instead of on
 * every request (README, decision 27). The server loads the router as CommonJS, as here.
 */
const require = createRequire(import.meta.url)
const routerPath = require.resolve('@remix-run/router')
const { matchRoutes } = require('@remix-run/router') as typeof Router

const tree = (): Router.AgnosticRouteObject[] => [
  {
    id: 'root',
    path: '/',
    children: [
      { id: 'home', index: true },
      { id: 'round', path: 'rounds/:roundId', children: [{ id: 'round-index', index: true }, { id: 'summary', path: 'summary' }] },
      { id: 'new-round', path: 'rounds/new' },
      { id: 'numbered', path: 'rounds/:roundId/summary/:number' },
      { id: 'Caps', path: 'Exact', caseSensitive: true },
      { id: 'splat', path: '*' },
    ],
  },
]

const PATHS = ['/', '/rounds/7', '/rounds/7/', '/rounds/new', '/rounds/7/summary', '/rounds/7/summary/2', '/ROUNDS/7/SUMMARY', '/Exact', '/exact', '/nowhere/at/all']

/** The matched route ids and params of a path. */
function matched(routes: Router.AgnosticRouteObject[], pathname: string) {
  return matchRoutes(routes, pathname)?.map((match) => ({ id: match.route.id, params: match.params })) ?? null
}

describe("the server router's kept branches and paths", () => {
  it('is the patched router the server loads', () => {
    expect(fs.readFileSync(routerPath, 'utf8')).toContain('rankedBranchesCache')
  })

  it('matches every path, asked again and again of one routes array, as a fresh array does', () => {
    const kept = tree()
    for (let round = 0; round < 3; round++) {
      for (const pathname of PATHS) expect(matched(kept, pathname), `${pathname}, round ${round}`).toEqual(matched(tree(), pathname))
    }
    expect(matched(kept, '/rounds/new')?.at(-1)?.id).toBe('new-round')
    expect(matched(kept, '/rounds/7/summary/2')?.at(-1)).toEqual({ id: 'numbered', params: { roundId: '7', number: '2' } })
    expect(matched(kept, '/ROUNDS/7/SUMMARY')?.at(-1)?.id).toBe('summary')
    expect(matched(kept, '/Exact')?.at(-1)?.id).toBe('Caps')
    expect(matched(kept, '/exact')?.at(-1)).toEqual({ id: 'splat', params: { '*': 'exact' } })
  })

  it('ranks each routes array on its own', () => {
    const kept = tree()
    expect(matched(kept, '/rounds/new')?.at(-1)?.id).toBe('new-round')
    const other: Router.AgnosticRouteObject[] = [{ id: 'only', path: '/rounds/:roundId' }]
    expect(matched(other, '/rounds/new')?.at(-1)).toEqual({ id: 'only', params: { roundId: 'new' } })
    expect(matched(other, '/')).toBeNull()
    expect(matched(kept, '/')?.at(-1)?.id).toBe('home')
  })
})
