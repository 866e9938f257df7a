import { assertListIndexes } from './form-data.server'

function form(entries: [string, string][]) {
  const data = new FormData()
  for (const [name, value] of entries) data.append(name, value)
  return data
}

function status(run: () => void) {
  try {
    run()
    return 'accepted'
  } catch (error) {
    if (error instanceof Response) return error.status
    throw error
  }
}

describe('assertListIndexes', () => {
  it('accepts lists within the bound, and forms without lists or intents', () => {
    expect(status(() => assertListIndexes(form([['text', 'a'], ['concerns[0]', 'privacy'], ['concerns[20]', 'x']]), 20))).toBe('accepted')
    expect(status(() => assertListIndexes(form([['clauses[3].text', 'a'], ['clauses[3].label', '4']]), 500))).toBe('accepted')
    const intent = JSON.stringify({ type: 'insert', payload: { name: 'questions', index: 2 } })
    expect(status(() => assertListIndexes(form([['__intent__', intent]]), 20))).toBe('accepted')
    const update = JSON.stringify({ type: 'update', payload: { name: 'clauses[4].text', value: 'x' } })
    expect(status(() => assertListIndexes(form([['__intent__', update]]), 500))).toBe('accepted')
  })

  it('refuses an index beyond the bound, in a field name or in a list intent, with 400', () => {
    expect(status(() => assertListIndexes(form([['concerns[1000000]', 'privacy']]), 100))).toBe(400)
    expect(status(() => assertListIndexes(form([['clauses[0].text', 'a'], ['clauses[99999].label', '2']]), 1000))).toBe(400)
    expect(status(() => assertListIndexes(form([['a[0][123456789012345678901234567890]', 'x']]), 1000))).toBe(400)
    for (const payload of [
      { name: 'clauses[99999999].text', value: 'x' },
      { name: 'clauses', index: 1e9 },
      { name: 'clauses', index: 1.5 },
      { name: 'clauses', from: 0, to: 5000 },
    ]) {
      expect(status(() => assertListIndexes(form([['__intent__', JSON.stringify({ type: 'update', payload })]]), 1000))).toBe(400)
    }
  })

  it('refuses an intent that is not JSON with 400', () => {
    expect(status(() => assertListIndexes(form([['__intent__', '{bad']]), 20))).toBe(400)
  })
})
