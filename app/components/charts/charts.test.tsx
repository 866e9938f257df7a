import { renderToStaticMarkup } from 'react-dom/server'
import { BarChart } from './bar-chart'
import { wrapLabel } from './geometry'
import { Heatmap } from './heatmap'
import { StackedBarChart } from './stacked-bar-chart'
import type { BarChartData, HeatmapData, StackedBarData } from './types'

const bars = (values: number[]): BarChartData => ({
  id: 'bars',
  title: 'Comments by category',
  description: 'The largest is Research.',
  caption: 'Comments by category (table)',
  labelHeader: 'Category',
  valueHeader: 'Comments',
  items: values.map((value, index) => ({ key: `k${index}`, label: `Label ${index}`, value, valueText: String(value) })),
})

const heatmap: HeatmapData = {
  id: 'heat',
  title: 'Net support',
  description: 'A grid.',
  caption: 'Net support (table)',
  rowHeader: 'Clause',
  scale: 'net',
  columns: [
    { key: 'a', label: 'First' },
    { key: 'b', label: 'Second' },
  ],
  rows: [
    {
      key: '1',
      label: 'Clause 1',
      cells: [
        { value: 1, text: '+1.00', bin: 'strongly_for' },
        { value: null, text: '—', note: 'no position taken', bin: 'none' },
      ],
    },
  ],
  legend: [{ bin: 'strongly_for', label: 'strongly in favour (solid)' }],
}

/** The x of each cell's printed value, in document order. */
function cellTextX(markup: string) {
  return [...markup.matchAll(/<text x="([\d.]+)"[^>]*text-anchor="middle" dominant-baseline="central"/g)].map((match) =>
    Number(match[1]),
  )
}

describe('charts', () => {
  it('draw an image named by the visible title and described by the text alternative, with a captioned table', () => {
    const markup = renderToStaticMarkup(<BarChart data={bars([3, 1])} dir="ltr" />)
    expect(markup).toContain('<svg class="chart__svg" role="img" aria-labelledby="bars-title" aria-describedby="bars-description"')
    expect(markup).toContain('<span id="bars-title" class="chart__title">Comments by category</span>')
    expect(markup).toContain('<caption id="bars-caption">Comments by category (table)</caption>')
    expect(markup).toContain('<th scope="row">Label 0</th><td class="number">3</td>')
    expect(markup).toContain('<th scope="col">Category</th>')
  })

  it('draw all-zero data without dividing by zero', () => {
    const markup = renderToStaticMarkup(<BarChart data={bars([0, 0, 0])} dir="ltr" />)
    expect(markup).not.toMatch(/NaN|Infinity/)
    const stacked: StackedBarData = {
      id: 'stack',
      title: 'Positions',
      description: 'None yet.',
      caption: 'Positions (table)',
      rowHeader: 'Category',
      totalHeader: 'Total',
      segments: [{ key: 'support', label: 'Support' }],
      rows: [{ key: 'a', label: 'A', values: [{ value: 0, text: '0' }], total: { value: 0, text: '0' } }],
    }
    expect(renderToStaticMarkup(<StackedBarChart data={stacked} dir="rtl" />)).not.toMatch(/NaN|Infinity/)
  })

  it('mirror in right-to-left pages: the first column on the right, the SVG told its direction', () => {
    const ltr = renderToStaticMarkup(<Heatmap data={heatmap} dir="ltr" />)
    const rtl = renderToStaticMarkup(<Heatmap data={heatmap} dir="rtl" />)
    expect(ltr).toContain('direction="ltr"')
    expect(rtl).toContain('direction="rtl"')
    const [ltrFirst, ltrSecond] = cellTextX(ltr) as [number, number]
    const [rtlFirst, rtlSecond] = cellTextX(rtl) as [number, number]
    expect(ltrFirst).toBeLessThan(ltrSecond)
    expect(rtlFirst).toBeGreaterThan(rtlSecond)
    const width = Number(/viewBox="0 0 ([\d.]+) /.exec(rtl)![1])
    expect(rtlFirst).toBeCloseTo(width - ltrFirst, 5)
  })

  it('place bars to a tenth of a unit, segments end to end, in both directions', () => {
    const stacked: StackedBarData = {
      id: 'stack',
      title: 'Positions',
      description: 'Thirds.',
      caption: 'Positions (table)',
      rowHeader: 'Category',
      totalHeader: 'Total',
      segments: ['support', 'amend', 'oppose'].map((key) => ({ key, label: key })),
      rows: [
        { key: 'a', label: 'A', values: [1, 1, 1].map((value) => ({ value, text: '1' })), total: { value: 3, text: '3' } },
        { key: 'b', label: 'B', values: [7, 0, 0].map((value) => ({ value, text: String(value) })), total: { value: 7, text: '7' } },
      ],
    }
    for (const dir of ['ltr', 'rtl'] as const) {
      for (const markup of [
        renderToStaticMarkup(<StackedBarChart data={stacked} dir={dir} />),
        renderToStaticMarkup(<BarChart data={bars([7, 3, 1])} dir={dir} />),
      ]) {
        const numbers = [...markup.matchAll(/ (?:x|y|width|height)="(-?[\d.]+)"/g)].map((match) => match[1]!)
        expect(numbers.length).toBeGreaterThan(6)
        for (const value of numbers) expect(value).toMatch(/^-?\d+(\.\d)?$/)
      }
    }
    // Row A's three thirds (one segment each) touch: each starts where the one before it ends.
    const boxes = [...renderToStaticMarkup(<StackedBarChart data={stacked} dir="ltr" />).matchAll(/<rect x="([\d.]+)" y="[\d.]+" width="([\d.]+)" height="22"/g)]
      .slice(0, 3)
      .map((match) => [Number(match[1]), Number(match[2])] as const)
    expect(boxes[1]![0]).toBeCloseTo(boxes[0]![0] + boxes[0]![1], 5)
    expect(boxes[2]![0]).toBeCloseTo(boxes[1]![0] + boxes[1]![1], 5)
  })

  it('print every value in its cell and say in words what a dash means', () => {
    const markup = renderToStaticMarkup(<Heatmap data={heatmap} dir="ltr" />)
    expect(markup).toContain('>+1.00</text>')
    expect(markup).toContain('<span aria-hidden="true">—</span><span class="visually-hidden">no position taken</span>')
    // The strongly-for step is solid, so it needs no pattern; an outlined white cell marks "no position".
    expect(markup).toContain('fill="#163d73"')
  })

  it('wrap long labels into lines, with an ellipsis when they are cut', () => {
    expect(wrapLabel('Organization for Security and Co-operation in Europe', 20, 2)).toEqual(['Organization for', 'Security and…'])
    expect(wrapLabel('利益攸关方类别构成的网格', 8, 2)).toEqual(['利益攸关', '方类别…'])
    expect(wrapLabel('Short', 20, 2)).toEqual(['Short'])
  })
})
