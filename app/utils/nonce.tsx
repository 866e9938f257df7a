import { createContext, useContext } from 'react'

/** The Content-Security-Policy nonce of this response, for the scripts React renders. */
const NonceContext = createContext('')
export const NonceProvider = NonceContext.Provider
export const useNonce = () => useContext(NonceContext)
