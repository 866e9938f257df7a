import type { ReactNode } from 'react'
import type { ChartText } from './types'

export const titleId = (chart: ChartText) => `${chart.id}-title`
export const descriptionId = (chart: ChartText) => `${chart.id}-description`
export const captionId = (chart: ChartText) => `${chart.id}-caption`

/**
 * A chart as a figure: its visible title and text alternative, the server-rendered SVG (an image
 * named by that title and described by that text), and its figures as a table beside it.
 */
export function ChartFigure({
  chart,
  graphic,
  legend,
  table,
  layout = 'beside',
}: {
  chart: ChartText
  graphic: ReactNode
  legend?: ReactNode
  table: ReactNode
  /** `beside`: the table next to the chart on wide screens; `below`: right under it (wide tables). */
  layout?: 'beside' | 'below'
}) {
  return (
    <figure className="chart" aria-labelledby={titleId(chart)}>
      <figcaption className="chart__caption">
        <span id={titleId(chart)} className="chart__title">
          {chart.title}
        </span>{' '}
        <span id={descriptionId(chart)} className="chart__description">
          {chart.description}
        </span>
      </figcaption>
      <div className={`chart__body chart__body--${layout}`}>
        <div className="chart__graphic">
          {graphic}
          {legend}
        </div>
        <div className="table-scroll chart__table" role="region" aria-labelledby={captionId(chart)} tabIndex={0}>
          {table}
        </div>
      </div>
    </figure>
  )
}

/** The <svg> of a chart: an image named by the visible title and described by the text alternative. */
export function ChartSvg({
  chart,
  width,
  height,
  dir,
  children,
}: {
  chart: ChartText
  width: number
  height: number
  dir: 'ltr' | 'rtl'
  children: ReactNode
}) {
  return (
    <svg
      className="chart__svg"
      role="img"
      aria-labelledby={titleId(chart)}
      aria-describedby={descriptionId(chart)}
      viewBox={`0 0 ${width} ${height}`}
      width={width}
      height={height}
      direction={dir}
      preserveAspectRatio="xMinYMin meet"
    >
      {children}
    </svg>
  )
}
