// A worker thread for the concurrency test of publishSummary: it opens its own connection to the
// database file and publishes when the other worker is ready too, so both race for the write lock.
import { register } from 'tsx/esm/api'

register({ tsconfig: new URL('../../../tsconfig.json', import.meta.url).pathname })
await import('./publish.worker-task.ts')
