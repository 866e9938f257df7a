// The part of autocannon's API (README, "API") that the benchmark uses; the package ships no types.
declare module 'autocannon' {
  import type { EventEmitter } from 'node:events'

  namespace autocannon {
    type RawRequest = { method?: string; path?: string; headers?: Record<string, string>; body?: string }
    type Request = RawRequest & {
      // Methods, so that a listener may name the shape of its own context.
      setupRequest?(request: RawRequest, context: object): RawRequest | false
      onResponse?(status: number, body: string, context: object, headers: Record<string, string>): void
    }
    type Options = {
      url: string
      connections?: number
      duration?: number
      timeout?: number
      requests?: Request[]
    }
    type Result = { duration: number; errors: number; timeouts: number; non2xx: number }
    interface Instance extends EventEmitter, PromiseLike<Result> {
      on(event: 'response', listener: (client: unknown, statusCode: number, resBytes: number, responseTime: number) => void): this
      stop(): void
    }
  }
  function autocannon(options: autocannon.Options): autocannon.Instance
  export default autocannon
}
