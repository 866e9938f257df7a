// A worker thread that analyses imported comments (analysis.ts) for analysis-pool.server.ts. It runs
// the TypeScript sources through tsx, as the command line does, so it works beside the production build.
import { register } from 'tsx/esm/api'

register({ tsconfig: new URL('../../../tsconfig.json', import.meta.url).pathname })
await import('./analysis.worker-task.ts')
