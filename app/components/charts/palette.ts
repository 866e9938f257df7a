/**
 * Colours and patterns of Concord's charts. Every fill has at least 3:1 contrast against the white
 * page and carries white text at 4.5:1 or more; steps of a scale also differ by pattern, and every
 * value is printed, so no reading depends on colour alone (palette.test.ts checks the contrasts).
 */

export type PatternKind = 'solid' | 'dots' | 'diagonal' | 'crosshatch' | 'horizontal' | 'vertical'

export type Swatch = { key: string; fill: string; text: string; pattern: PatternKind }

/** The page behind the charts. */
export const PAGE = '#ffffff'
export const INK = '#14202b'
export const GRID = '#56636f'

/** The four positions of a comment. */
export const POSITION_SWATCHES: Record<'support' | 'amend' | 'oppose' | 'neutral', Swatch> = {
  support: { key: 'support', fill: '#1d4f91', text: '#ffffff', pattern: 'solid' },
  amend: { key: 'amend', fill: '#7a4d00', text: '#ffffff', pattern: 'diagonal' },
  oppose: { key: 'oppose', fill: '#a1261b', text: '#ffffff', pattern: 'crosshatch' },
  neutral: { key: 'neutral', fill: '#5a6470', text: '#ffffff', pattern: 'dots' },
}

export const NET_BINS = ['strongly_against', 'against', 'mixed', 'for', 'strongly_for', 'none'] as const
export type NetBin = (typeof NET_BINS)[number]

/** A diverging scale for net support, from −1 (all oppose) to +1 (all support); `none`: nobody took a position. */
export const NET_SWATCHES: Record<NetBin, Swatch> = {
  strongly_against: { key: 'strongly_against', fill: '#7f1d12', text: '#ffffff', pattern: 'crosshatch' },
  against: { key: 'against', fill: '#b03a1e', text: '#ffffff', pattern: 'diagonal' },
  mixed: { key: 'mixed', fill: '#5a6470', text: '#ffffff', pattern: 'dots' },
  for: { key: 'for', fill: '#2c63a8', text: '#ffffff', pattern: 'horizontal' },
  strongly_for: { key: 'strongly_for', fill: '#163d73', text: '#ffffff', pattern: 'solid' },
  none: { key: 'none', fill: '#ffffff', text: INK, pattern: 'solid' },
}

/** The step of the net-support scale a value falls in. */
export function netBin(net: number | null | undefined): NetBin {
  if (net === null || net === undefined || Number.isNaN(net)) return 'none'
  if (net <= -0.6) return 'strongly_against'
  if (net < -0.2) return 'against'
  if (net <= 0.2) return 'mixed'
  if (net < 0.6) return 'for'
  return 'strongly_for'
}

export const COUNT_BINS = ['zero', 'low', 'mid', 'high'] as const
export type CountBin = (typeof COUNT_BINS)[number]

/** A sequential scale for counts, in thirds of the largest count of the chart. */
export const COUNT_SWATCHES: Record<CountBin, Swatch> = {
  zero: { key: 'zero', fill: '#ffffff', text: INK, pattern: 'solid' },
  low: { key: 'low', fill: '#4a6a8f', text: '#ffffff', pattern: 'dots' },
  mid: { key: 'mid', fill: '#2b5079', text: '#ffffff', pattern: 'diagonal' },
  high: { key: 'high', fill: '#132f52', text: '#ffffff', pattern: 'solid' },
}

export function countBin(count: number, max: number): CountBin {
  if (count <= 0 || max <= 0) return 'zero'
  const share = count / max
  if (share <= 1 / 3) return 'low'
  if (share <= 2 / 3) return 'mid'
  return 'high'
}

/** The single colour of plain bar charts, where colour encodes nothing. */
export const BAR_FILL = '#0b4f8a'

/** WCAG relative luminance of a #rrggbb colour. */
export function luminance(hex: string) {
  const value = hex.replace('#', '')
  const channels = [0, 2, 4].map((start) => parseInt(value.slice(start, start + 2), 16) / 255)
  const [r, g, b] = channels.map((c) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4)) as [
    number,
    number,
    number,
  ]
  return 0.2126 * r + 0.7152 * g + 0.0722 * b
}

/** WCAG contrast ratio of two #rrggbb colours, from 1 to 21. */
export function contrast(a: string, b: string) {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number]
  return (light + 0.05) / (dark + 0.05)
}
