import { useEffect, useState } from 'react'

/** Set once the first component has hydrated; components mounted later start as hydrated. */
let hydratedOnce = false

/** False while the server renders and during hydration, true once the page runs JavaScript. */
export function useHydrated() {
  const [hydrated, setHydrated] = useState(hydratedOnce)
  useEffect(() => {
    hydratedOnce = true
    setHydrated(true)
  }, [])
  return hydrated
}
