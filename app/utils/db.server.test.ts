import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { openDatabase, synchronousMode } from './db.server'

describe('durability settings', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-sync-'))
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

  function opened(name: string) {
    const db = openDatabase(path.join(dir, name))
    const settings = { journal: db.$client.pragma('journal_mode', { simple: true }), synchronous: db.$client.pragma('synchronous', { simple: true }) }
    db.$client.close()
    return settings
  }

  it('opens in WAL mode with synchronous=NORMAL (1) by default, FULL (2) when asked', () => {
    vi.stubEnv('DATABASE_SYNCHRONOUS', '')
    expect(opened('normal.db')).toEqual({ journal: 'wal', synchronous: 1 })
    vi.stubEnv('DATABASE_SYNCHRONOUS', 'full')
    expect(opened('full.db')).toEqual({ journal: 'wal', synchronous: 2 })
  })

  it('refuses any other mode, naming the variable', () => {
    expect(() => synchronousMode('OFF')).toThrow(/DATABASE_SYNCHRONOUS must be NORMAL or FULL/)
    expect(synchronousMode(' Normal ')).toBe('NORMAL')
  })
})
