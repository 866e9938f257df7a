// Run by the e2e web server command (playwright.config.ts) before `node server.js`: empties the
// e2e database, so every run starts from nothing (the server migrates it at start), and checks
// that the production build exists.
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const file = process.env.DATABASE_PATH

if (!file) {
  console.error('e2e: DATABASE_PATH is not set; start the e2e server through `npx playwright test`.')
  process.exit(1)
}
if (!fs.existsSync(path.join(root, 'build', 'index.js'))) {
  console.error('e2e: no production build in build/. Run `npm run build` before `npm run test:e2e`.')
  process.exit(1)
}
for (const suffix of ['', '-wal', '-shm']) fs.rmSync(file + suffix, { force: true })
fs.mkdirSync(path.dirname(file), { recursive: true })
