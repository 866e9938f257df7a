import { ChartFigure, ChartSvg, captionId } from './chart-figure'
import { boxX, mirrorX, wrapLabel } from './geometry'
import { COUNT_SWATCHES, GRID, INK, NET_SWATCHES, type Swatch } from './palette'
import { LegendSwatch, needsOutline, PatternDefs, swatchFill } from './patterns'
import type { Direction, HeatmapData } from './types'

const ROW_LABEL = 150
const CELL_WIDTH = 92
const CELL_HEIGHT = 34
const GAP = 3
const LINE = 14
const HEADER_LINES = 3
const PAD = 6

function swatchesOf(scale: HeatmapData['scale']): Record<string, Swatch> {
  return scale === 'net' ? NET_SWATCHES : COUNT_SWATCHES
}

/**
 * A grid of rows × columns (e.g. clauses × stakeholder categories), each cell coloured and patterned
 * by the step of its value on the chart's scale, with the value printed in it. Columns run from the
 * start of the line, so in right-to-left pages the first column is on the right.
 */
export function Heatmap({ data, dir }: { data: HeatmapData; dir: Direction }) {
  const swatches = swatchesOf(data.scale)
  const used = [
    ...new Set([
      ...data.rows.flatMap((row) => row.cells.map((cell) => cell.bin)),
      ...data.legend.map((entry) => entry.bin),
    ]),
  ]
    .map((bin) => swatches[bin])
    .filter((swatch): swatch is Swatch => Boolean(swatch))
  const width = ROW_LABEL + data.columns.length * CELL_WIDTH + PAD
  const headerHeight = HEADER_LINES * LINE + 8
  let y = headerHeight
  const rows = data.rows.map((row) => {
    const lines = wrapLabel(row.label, 20, 2)
    const height = Math.max(CELL_HEIGHT, lines.length * LINE + 8)
    const laid = { row, lines, top: y, height }
    y += height + GAP
    return laid
  })
  const height = y + PAD
  const graphic = (
    <ChartSvg chart={data} width={width} height={height} dir={dir}>
      <PatternDefs chartId={data.id} swatches={used} />
      {data.columns.map((column, index) => {
        const lines = wrapLabel(column.label, 13, HEADER_LINES)
        const center = mirrorX(ROW_LABEL + index * CELL_WIDTH + CELL_WIDTH / 2, width, dir)
        return (
          <text
            key={column.key}
            x={center}
            y={headerHeight - 6 - (lines.length - 1) * LINE}
            textAnchor="middle"
            fontSize="12"
            fontWeight="600"
            fill={INK}
          >
            {lines.map((line, lineIndex) => (
              <tspan key={lineIndex} x={center} dy={lineIndex ? LINE : 0}>
                {line}
              </tspan>
            ))}
          </text>
        )
      })}
      {rows.map(({ row, lines, top, height: rowHeight }) => {
        const middle = top + rowHeight / 2
        return (
          <g key={row.key}>
            <text
              x={mirrorX(ROW_LABEL - 8, width, dir)}
              y={middle - ((lines.length - 1) * LINE) / 2}
              textAnchor="end"
              dominantBaseline="middle"
              fontSize="12"
              fill={INK}
              lang={row.lang}
            >
              {lines.map((line, index) => (
                <tspan key={index} x={mirrorX(ROW_LABEL - 8, width, dir)} dy={index ? LINE : 0}>
                  {line}
                </tspan>
              ))}
            </text>
            {row.cells.map((cell, index) => {
              const swatch = swatches[cell.bin] ?? swatches.none ?? swatches.zero!
              const start = ROW_LABEL + index * CELL_WIDTH
              const center = mirrorX(start + CELL_WIDTH / 2, width, dir)
              return (
                <g key={data.columns[index]?.key ?? index}>
                  <rect
                    x={boxX(start, CELL_WIDTH - GAP, width, dir)}
                    y={top}
                    width={CELL_WIDTH - GAP}
                    height={rowHeight}
                    fill={swatchFill(data.id, swatch)}
                    stroke={needsOutline(swatch) ? GRID : 'none'}
                    strokeWidth="1"
                  />
                  <rect x={center - 24} y={middle - 9} width="48" height="18" rx="3" fill={swatch.fill} />
                  <text
                    x={center}
                    y={middle}
                    textAnchor="middle"
                    dominantBaseline="central"
                    fontSize="12"
                    fontWeight="700"
                    fill={swatch.text}
                  >
                    {cell.text}
                  </text>
                </g>
              )
            })}
          </g>
        )
      })}
    </ChartSvg>
  )
  const legend = (
    <ul className="chart-legend">
      {data.legend.map((entry) => {
        const swatch = swatches[entry.bin]
        return swatch ? (
          <li key={entry.bin}>
            <LegendSwatch chartId={data.id} swatch={swatch} />
            {entry.label}
          </li>
        ) : null
      })}
    </ul>
  )
  const table = (
    <table className="table chart-table">
      <caption id={captionId(data)}>{data.caption}</caption>
      <thead>
        <tr>
          <th scope="col">{data.rowHeader}</th>
          {data.columns.map((column) => (
            <th scope="col" className="number" key={column.key}>
              {column.label}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {data.rows.map((row) => (
          <tr key={row.key}>
            <th scope="row" lang={row.lang}>
              {row.href ? <a href={row.href}>{row.label}</a> : row.label}
            </th>
            {row.cells.map((cell, index) => (
              <td className="number" key={data.columns[index]?.key ?? index}>
                {cell.note ? (
                  <>
                    <span aria-hidden="true">{cell.text}</span>
                    <span className="visually-hidden">{cell.note}</span>
                  </>
                ) : (
                  cell.text
                )}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  )
  return <ChartFigure chart={data} graphic={graphic} legend={legend} table={table} layout="below" />
}
