import { afterEach, vi } from 'vitest'
import { closeTestDbs } from './db'

// An error logged during a test is a failure, as in the Epic Stack.
const originalError = console.error
vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
  originalError(...args)
  throw new Error(`console.error was called: ${args.map(String).join(' ')}`)
})

afterEach(() => closeTestDbs())
