import { ChartFigure, ChartSvg, captionId } from './chart-figure'
import { boxX, mirrorX, tenth, wrapLabel } from './geometry'
import { GRID, INK, POSITION_SWATCHES, type Swatch } from './palette'
import { LegendSwatch, PatternDefs, swatchFill } from './patterns'
import type { Direction, StackedBarData } from './types'

const WIDTH = 640
const LABEL_WIDTH = 190
const TOTAL_WIDTH = 56
const GAP = 8
const LINE = 15
const BAR = 22
const PAD = 8
/** A segment this wide or wider carries its count inside. */
const LABEL_MIN = 24

function swatchOf(key: string): Swatch {
  return POSITION_SWATCHES[key as keyof typeof POSITION_SWATCHES] ?? POSITION_SWATCHES.neutral
}

/**
 * One bar per row (e.g. a stakeholder category), split into the positions taken, on a common scale;
 * each segment has its colour and pattern and, where it fits, its count; the total ends the bar.
 */
export function StackedBarChart({ data, dir }: { data: StackedBarData; dir: Direction }) {
  const max = Math.max(1, ...data.rows.map((row) => row.total.value))
  const barStart = LABEL_WIDTH + GAP
  const barSpace = WIDTH - barStart - TOTAL_WIDTH
  const swatches = data.segments.map((segment) => swatchOf(segment.key))
  let y = PAD
  const rows = data.rows.map((row) => {
    const lines = wrapLabel(row.label, 26, 2)
    const height = Math.max(BAR + 10, lines.length * LINE + 10)
    const laid = { row, lines, top: y, height }
    y += height
    return laid
  })
  const height = Math.max(y + PAD, 2 * PAD + BAR)
  const graphic = (
    <ChartSvg chart={data} width={WIDTH} height={height} dir={dir}>
      <PatternDefs chartId={data.id} swatches={swatches} />
      <line
        x1={mirrorX(barStart, WIDTH, dir)}
        x2={mirrorX(barStart, WIDTH, dir)}
        y1={PAD / 2}
        y2={height - PAD / 2}
        stroke={GRID}
        strokeWidth="1"
      />
      {rows.map(({ row, lines, top, height: rowHeight }) => {
        const middle = top + rowHeight / 2
        let offset = barStart
        return (
          <g key={row.key}>
            <text
              x={mirrorX(LABEL_WIDTH, WIDTH, dir)}
              y={middle - ((lines.length - 1) * LINE) / 2}
              textAnchor="end"
              dominantBaseline="middle"
              fontSize="13"
              fill={INK}
            >
              {lines.map((line, index) => (
                <tspan key={index} x={mirrorX(LABEL_WIDTH, WIDTH, dir)} dy={index ? LINE : 0}>
                  {line}
                </tspan>
              ))}
            </text>
            {row.values.map((value, index) => {
              const size = tenth((value.value / max) * barSpace)
              const start = offset
              offset = tenth(offset + size)
              if (size <= 0) return null
              const swatch = swatches[index]!
              return (
                <g key={data.segments[index]!.key}>
                  <rect
                    x={tenth(boxX(start, size, WIDTH, dir))}
                    y={middle - BAR / 2}
                    width={size}
                    height={BAR}
                    fill={swatchFill(data.id, swatch)}
                    stroke="#ffffff"
                    strokeWidth="1"
                  />
                  {size >= LABEL_MIN ? (
                    <>
                      <rect
                        x={tenth(mirrorX(start + size / 2, WIDTH, dir) - 11)}
                        y={middle - 8}
                        width="22"
                        height="16"
                        rx="3"
                        fill={swatch.fill}
                      />
                      <text
                        x={tenth(mirrorX(start + size / 2, WIDTH, dir))}
                        y={middle}
                        textAnchor="middle"
                        dominantBaseline="central"
                        fontSize="11"
                        fontWeight="700"
                        fill={swatch.text}
                      >
                        {value.text}
                      </text>
                    </>
                  ) : null}
                </g>
              )
            })}
            <text
              x={tenth(mirrorX(offset + 6, WIDTH, dir))}
              y={middle}
              textAnchor="start"
              dominantBaseline="middle"
              fontSize="13"
              fontWeight="600"
              fill={INK}
            >
              {row.total.text}
            </text>
          </g>
        )
      })}
    </ChartSvg>
  )
  const legend = (
    <ul className="chart-legend">
      {data.segments.map((segment, index) => (
        <li key={segment.key}>
          <LegendSwatch chartId={data.id} swatch={swatches[index]!} />
          {segment.label}
        </li>
      ))}
    </ul>
  )
  const table = (
    <table className="table chart-table">
      <caption id={captionId(data)}>{data.caption}</caption>
      <thead>
        <tr>
          <th scope="col">{data.rowHeader}</th>
          {data.segments.map((segment) => (
            <th scope="col" className="number" key={segment.key}>
              {segment.label}
            </th>
          ))}
          <th scope="col" className="number">
            {data.totalHeader}
          </th>
          {data.extraHeader ? (
            <th scope="col" className="number">
              {data.extraHeader}
            </th>
          ) : null}
        </tr>
      </thead>
      <tbody>
        {data.rows.map((row) => (
          <tr key={row.key}>
            <th scope="row">{row.label}</th>
            {row.values.map((value, index) => (
              <td className="number" key={data.segments[index]!.key}>
                {value.text}
              </td>
            ))}
            <td className="number">{row.total.text}</td>
            {data.extraHeader ? <td className="number">{row.extra ?? ''}</td> : null}
          </tr>
        ))}
      </tbody>
      {data.footer ? (
        <tfoot>
          <tr>
            <th scope="row">{data.footer.label}</th>
            {data.footer.values.map((value, index) => (
              <td className="number" key={data.segments[index]?.key ?? index}>
                {value}
              </td>
            ))}
            <td className="number">{data.footer.total}</td>
            {data.extraHeader ? <td className="number">{data.footer.extra ?? ''}</td> : null}
          </tr>
        </tfoot>
      ) : null}
    </table>
  )
  return <ChartFigure chart={data} graphic={graphic} legend={legend} table={table} layout="below" />
}
