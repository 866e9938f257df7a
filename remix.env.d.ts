/// <reference types="@remix-run/dev" />

import '@remix-run/node'

declare module '@remix-run/node' {
  interface Future {
    v3_singleFetch: true
  }
}

declare module '@remix-run/server-runtime' {
  interface AppLoadContext {
    /** Nonce of this response's Content-Security-Policy, set by server.js. */
    cspNonce: string
    /** The client's address, for the rate limits; set by server.js (honouring TRUST_PROXY). */
    clientAddress?: string
  }
}
