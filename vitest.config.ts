import path from 'node:path'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  resolve: {
    alias: {
      '~': path.resolve(import.meta.dirname, 'app'),
      '#db': path.resolve(import.meta.dirname, 'db'),
    },
  },
  test: {
    include: ['app/**/*.test.{ts,tsx}', 'db/**/*.test.ts'],
    globals: true,
    environment: 'node',
    setupFiles: ['./app/test/setup.ts'],
    globalSetup: ['./app/test/global-setup.ts'],
    pool: 'forks',
  },
})
