// Run by `npm run test:e2e` before Playwright: the tests drive the system Chromium, because
// Playwright cannot download its own browsers here. Exits 1 with install instructions if missing.
import fs from 'node:fs'

const executable = process.env.CHROMIUM_PATH || '/usr/bin/chromium'

function isExecutable(file) {
  try {
    fs.accessSync(file, fs.constants.X_OK)
    return fs.statSync(file).isFile()
  } catch {
    return false
  }
}

if (!isExecutable(executable)) {
  const where = process.env.CHROMIUM_PATH ? `CHROMIUM_PATH (${executable})` : executable
  console.error(
    [
      `The end-to-end tests need Chromium, and there is no executable at ${where}.`,
      '',
      'Install Debian\'s Chromium (as root, or with sudo):',
      '',
      '    apt-get update && apt-get install -y chromium',
      '',
      'or point CHROMIUM_PATH at a Chromium or Chrome binary you already have, for example:',
      '',
      '    CHROMIUM_PATH=/opt/google/chrome/chrome npm run test:e2e',
      '',
      '(`npx playwright install` does not work here: it downloads its own browser.)',
    ].join('\n'),
  )
  process.exit(1)
}
