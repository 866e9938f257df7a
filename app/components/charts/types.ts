/**
 * The data of a chart as the server prepared it: numbers for the geometry, and every text already
 * formatted in the reader's language (Intl runs once, on the server, so hydration shows the same).
 */

export type Direction = 'ltr' | 'rtl'

/** What every chart carries: a visible title, a text alternative, and the caption of its table. */
export type ChartText = {
  /** Unique on the page: ids of the title, the description, the table caption and the patterns derive from it. */
  id: string
  title: string
  /** The text alternative: what the chart shows, in a sentence or two. */
  description: string
  caption: string
}

export type BarDatum = {
  key: string
  label: string
  lang?: string
  value: number
  valueText: string
  shareText?: string
}

export type BarChartData = ChartText & {
  labelHeader: string
  valueHeader: string
  shareHeader?: string
  items: BarDatum[]
  /** The table's last row, e.g. the total. */
  footer?: { label: string; valueText: string; shareText?: string }
}

export type StackSegment = { key: string; label: string }

export type StackedBarData = ChartText & {
  rowHeader: string
  totalHeader: string
  segments: StackSegment[]
  rows: {
    key: string
    label: string
    values: { value: number; text: string }[]
    total: { value: number; text: string }
    extra?: string
  }[]
  /** A further column of the table (e.g. net support), after the total. */
  extraHeader?: string
  footer?: { label: string; values: string[]; total: string; extra?: string }
}

export type HeatCell = {
  value: number | null
  /** Printed in the cell and in the table. */
  text: string
  /** A word for screen readers and the table when the printed text is a mark, e.g. "no positions". */
  note?: string
  /** The step of the chart's scale, a key of its swatches. */
  bin: string
}

export type HeatmapData = ChartText & {
  rowHeader: string
  columns: { key: string; label: string }[]
  rows: { key: string; label: string; lang?: string; href?: string; cells: HeatCell[] }[]
  scale: 'net' | 'count'
  legend: { bin: string; label: string }[]
}
