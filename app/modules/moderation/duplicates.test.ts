import fs from 'node:fs'
import path from 'node:path'
import { minhash, normalizeForDuplicates, similarity } from './duplicates'

const demo = JSON.parse(
  fs.readFileSync(path.join(import.meta.dirname, '../../../db/seed/content/comments.json'), 'utf8'),
) as { text: string; clause: string | null; language: string; position: string }[]

describe('normalisation', () => {
  it('folds case, width, invisible characters, punctuation and spacing in every script', () => {
    expect(normalizeForDuplicates('Clause 5 MUST be rejected!!')).toBe(normalizeForDuplicates('clause 5 must be  rejected.'))
    expect(normalizeForDuplicates('حماية\u200Fالبيانات')).toBe(normalizeForDuplicates('حماية البيانات'))
    expect(normalizeForDuplicates('ＡＢＣ１２３')).toBe('abc123')
    expect(normalizeForDuplicates('数据，保护。')).toBe('数据保护')
  })
})

describe('MinHash similarity', () => {
  const campaign = demo.filter((c) => c.clause === '5' && c.language === 'en' && c.position === 'oppose')
  const others = demo.filter((c) => !campaign.includes(c))
  const hash = (text: string) => minhash(normalizeForDuplicates(text))

  it('finds the near-identical campaign texts similar', () => {
    expect(campaign.length).toBeGreaterThanOrEqual(5)
    const hashes = campaign.map((c) => hash(c.text)!)
    for (const a of hashes) for (const b of hashes) expect(similarity(a, b)).toBeGreaterThanOrEqual(0.7)
  })

  it('keeps distinct comments far apart, whatever their language', () => {
    const hashes = [...new Set(others.map((c) => hash(c.text)).filter((h): h is string => h !== null))]
    let closest = 0
    for (let i = 0; i < hashes.length; i++)
      for (let j = i + 1; j < hashes.length; j++) closest = Math.max(closest, similarity(hashes[i]!, hashes[j]!))
    expect(closest).toBeLessThan(0.4)
  })

  it('finds a near duplicate in Chinese and Arabic', () => {
    const zh = '各国应保护关键基础设施免受网络攻击，并在发生重大事件时及时通报有关当局，以便协调应对并减少损害。'
    expect(similarity(hash(zh)!, hash(zh.replace('及时', '迅速'))!)).toBeGreaterThanOrEqual(0.7)
    const ar = 'يجب على الدول حماية البنية التحتية الحيوية من الهجمات السيبرانية وإبلاغ السلطات المختصة دون تأخير'
    expect(similarity(hash(ar)!, hash(ar + '!')!)).toBe(1)
  })

  it('says nothing about texts too short to compare', () => {
    expect(minhash(normalizeForDuplicates('I agree.'))).toBeNull()
  })
})
