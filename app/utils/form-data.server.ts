const LIST_INDEX = /\[(\d+)\]/g

function indexesWithin(name: string, max: number) {
  for (const match of name.matchAll(LIST_INDEX)) {
    const digits = match[1]!
    if (digits.length > 9 || Number(digits) > max) return false
  }
  return true
}

/**
 * Refuses with 400 a form that names a list item far beyond any real list, such as
 * "concerns[1000000]" or a conform list intent at such an index: conform would build a list that
 * long, and validating and rendering it would hold the server for minutes on one small request.
 * `max` is the highest index any list of the form may reach.
 */
export function assertListIndexes(formData: FormData, max: number) {
  const refuse = () => {
    throw new Response('Bad request', { status: 400 })
  }
  for (const name of new Set(formData.keys())) if (!indexesWithin(name, max)) refuse()
  const intent = formData.get('__intent__')
  if (typeof intent !== 'string') return
  let payload: unknown
  try {
    payload = (JSON.parse(intent) as { payload?: unknown } | null)?.payload
  } catch {
    return refuse()
  }
  if (!payload || typeof payload !== 'object') return
  const { name, index, from, to } = payload as Record<string, unknown>
  if (typeof name === 'string' && !indexesWithin(name, max)) refuse()
  for (const value of [index, from, to]) {
    if (value !== undefined && (typeof value !== 'number' || !Number.isInteger(value) || Math.abs(value) > max)) refuse()
  }
}
