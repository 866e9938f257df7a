import { ChartFigure, ChartSvg, captionId } from './chart-figure'
import { boxX, mirrorX, tenth, wrapLabel } from './geometry'
import { BAR_FILL, GRID, INK } from './palette'
import type { BarChartData, Direction } from './types'

const WIDTH = 640
const LABEL_WIDTH = 220
const VALUE_WIDTH = 64
const GAP = 8
const LINE = 15
const BAR = 18
const PAD = 8

/** Horizontal bars, one per item, longest first as given; the value printed at the end of each bar. */
export function BarChart({ data, dir }: { data: BarChartData; dir: Direction }) {
  const max = Math.max(1, ...data.items.map((item) => item.value))
  const barStart = LABEL_WIDTH + GAP
  const barSpace = WIDTH - barStart - VALUE_WIDTH
  let y = PAD
  const rows = data.items.map((item) => {
    const lines = wrapLabel(item.label, 30, 2)
    const height = Math.max(BAR + 12, lines.length * LINE + 12)
    const row = { item, lines, top: y, height }
    y += height
    return row
  })
  const height = Math.max(y + PAD, 2 * PAD + BAR)
  const graphic = (
    <ChartSvg chart={data} width={WIDTH} height={height} dir={dir}>
      <line
        x1={mirrorX(barStart, WIDTH, dir)}
        x2={mirrorX(barStart, WIDTH, dir)}
        y1={PAD / 2}
        y2={height - PAD / 2}
        stroke={GRID}
        strokeWidth="1"
      />
      {rows.map(({ item, lines, top, height: rowHeight }) => {
        const middle = top + rowHeight / 2
        const length = tenth((item.value / max) * barSpace)
        return (
          <g key={item.key}>
            <text
              x={mirrorX(LABEL_WIDTH, WIDTH, dir)}
              y={middle - ((lines.length - 1) * LINE) / 2}
              textAnchor="end"
              dominantBaseline="middle"
              fontSize="13"
              fill={INK}
              lang={item.lang}
            >
              {lines.map((line, index) => (
                <tspan key={index} x={mirrorX(LABEL_WIDTH, WIDTH, dir)} dy={index ? LINE : 0}>
                  {line}
                </tspan>
              ))}
            </text>
            <rect
              x={tenth(boxX(barStart, length, WIDTH, dir))}
              y={middle - BAR / 2}
              width={length}
              height={BAR}
              fill={BAR_FILL}
            />
            <text
              x={tenth(mirrorX(barStart + length + 6, WIDTH, dir))}
              y={middle}
              textAnchor="start"
              dominantBaseline="middle"
              fontSize="13"
              fontWeight="600"
              fill={INK}
            >
              {item.valueText}
            </text>
          </g>
        )
      })}
    </ChartSvg>
  )
  const table = (
    <table className="table chart-table">
      <caption id={captionId(data)}>{data.caption}</caption>
      <thead>
        <tr>
          <th scope="col">{data.labelHeader}</th>
          <th scope="col" className="number">
            {data.valueHeader}
          </th>
          {data.shareHeader ? (
            <th scope="col" className="number">
              {data.shareHeader}
            </th>
          ) : null}
        </tr>
      </thead>
      <tbody>
        {data.items.map((item) => (
          <tr key={item.key}>
            <th scope="row" lang={item.lang}>
              {item.label}
            </th>
            <td className="number">{item.valueText}</td>
            {data.shareHeader ? <td className="number">{item.shareText ?? ''}</td> : null}
          </tr>
        ))}
      </tbody>
      {data.footer ? (
        <tfoot>
          <tr>
            <th scope="row">{data.footer.label}</th>
            <td className="number">{data.footer.valueText}</td>
            {data.shareHeader ? <td className="number">{data.footer.shareText ?? ''}</td> : null}
          </tr>
        </tfoot>
      ) : null}
    </table>
  )
  return <ChartFigure chart={data} graphic={graphic} table={table} />
}
