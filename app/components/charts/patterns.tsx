import { GRID, PAGE, type Swatch } from './palette'

export function patternId(chartId: string, key: string) {
  return `${chartId}-pattern-${key}`
}

/** The fill of a swatch: its pattern over its colour, or the plain colour. */
export function swatchFill(chartId: string, swatch: Swatch) {
  return swatch.pattern === 'solid' ? swatch.fill : `url(#${patternId(chartId, swatch.key)})`
}

/** Whether a swatch needs an outline to be seen on the page (white cells). */
export function needsOutline(swatch: Swatch) {
  return swatch.fill.toLowerCase() === PAGE
}

const MARK = 'rgba(255,255,255,0.55)'

function Marks({ pattern }: { pattern: Swatch['pattern'] }) {
  switch (pattern) {
    case 'dots':
      return <circle cx="4" cy="4" r="1.4" fill={MARK} />
    case 'diagonal':
      return <path d="M-2,2 l4,-4 M0,8 l8,-8 M6,10 l4,-4" stroke={MARK} strokeWidth="1.5" />
    case 'crosshatch':
      return (
        <path d="M-2,2 l4,-4 M0,8 l8,-8 M6,10 l4,-4 M-2,6 l4,4 M0,0 l8,8 M6,-2 l4,4" stroke={MARK} strokeWidth="1.2" />
      )
    case 'horizontal':
      return <path d="M0,2 h8 M0,6 h8" stroke={MARK} strokeWidth="1.2" />
    case 'vertical':
      return <path d="M2,0 v8 M6,0 v8" stroke={MARK} strokeWidth="1.2" />
    default:
      return null
  }
}

/** One <pattern> per swatch that has one, ids prefixed by the chart's id. */
export function PatternDefs({ chartId, swatches }: { chartId: string; swatches: Swatch[] }) {
  return (
    <defs>
      {swatches
        .filter((swatch) => swatch.pattern !== 'solid')
        .map((swatch) => (
          <pattern
            key={swatch.key}
            id={patternId(chartId, swatch.key)}
            width="8"
            height="8"
            patternUnits="userSpaceOnUse"
          >
            <rect width="8" height="8" fill={swatch.fill} />
            <Marks pattern={swatch.pattern} />
          </pattern>
        ))}
    </defs>
  )
}

/** A small swatch for an HTML legend (decorative: the legend's text says what it stands for). */
export function LegendSwatch({ chartId, swatch }: { chartId: string; swatch: Swatch }) {
  const id = `${chartId}-legend`
  return (
    <svg
      width="22"
      height="16"
      viewBox="0 0 22 16"
      aria-hidden="true"
      focusable="false"
      className="chart-legend__swatch"
    >
      <PatternDefs chartId={id} swatches={[swatch]} />
      <rect x="0.5" y="0.5" width="21" height="15" fill={swatchFill(id, swatch)} stroke={GRID} strokeWidth="1" />
    </svg>
  )
}
