import {
  contrast,
  COUNT_SWATCHES,
  countBin,
  NET_SWATCHES,
  netBin,
  PAGE,
  POSITION_SWATCHES,
  type Swatch,
} from './palette'

const filled = (swatches: Record<string, Swatch>) => Object.values(swatches).filter((swatch) => swatch.fill !== PAGE)

describe('chart palette', () => {
  it.each([
    ['positions', POSITION_SWATCHES],
    ['net support', NET_SWATCHES],
    ['counts', COUNT_SWATCHES],
  ] as const)('%s: every fill stands out from the page at 3:1 and carries its text at 4.5:1', (_name, swatches) => {
    for (const swatch of filled(swatches)) {
      expect(contrast(swatch.fill, PAGE), swatch.key).toBeGreaterThanOrEqual(3)
    }
    for (const swatch of Object.values(swatches)) {
      expect(contrast(swatch.text, swatch.fill), swatch.key).toBeGreaterThanOrEqual(4.5)
    }
  })

  it.each([
    ['positions', POSITION_SWATCHES],
    ['net support', NET_SWATCHES],
    ['counts', COUNT_SWATCHES],
  ] as const)('%s: neighbouring steps never share both colour and pattern', (_name, swatches) => {
    const list = filled(swatches)
    const patterns = new Set(list.map((swatch) => swatch.pattern))
    expect(patterns.size).toBe(list.length)
  })

  it('computes contrast as WCAG does', () => {
    expect(contrast('#000000', '#ffffff')).toBeCloseTo(21, 5)
    expect(contrast('#767676', '#ffffff')).toBeCloseTo(4.54, 2)
  })

  it('bins net support symmetrically and counts by thirds of the largest', () => {
    expect([-1, -0.6, -0.5, -0.2, 0, 0.2, 0.5, 0.6, 1, null].map(netBin)).toEqual([
      'strongly_against',
      'strongly_against',
      'against',
      'mixed',
      'mixed',
      'mixed',
      'for',
      'strongly_for',
      'strongly_for',
      'none',
    ])
    expect([0, 1, 2, 3].map((count) => countBin(count, 3))).toEqual(['zero', 'low', 'mid', 'high'])
    expect(countBin(0, 0)).toBe('zero')
  })
})
