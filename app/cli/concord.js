#!/usr/bin/env node
// `npx concord …`: the command line of Concord. It runs the TypeScript sources through tsx, so the
// commands share every module with the server and use the same database (DATABASE_PATH).
import { register } from 'tsx/esm/api'

register({ tsconfig: new URL('../../tsconfig.json', import.meta.url).pathname })
const { main } = await import('./main.ts')
process.exitCode = await main(process.argv)
