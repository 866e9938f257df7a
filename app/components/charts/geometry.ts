import type { Direction } from './types'

/**
 * Charts are laid out in logical coordinates (x grows from the start of the line) and mirrored for
 * right-to-left pages. The SVG's `direction` is set to the page's, so a text anchor is logical too:
 * `start` begins the text at x and runs toward the line's end, `end` finishes it at x.
 */
export function mirrorX(x: number, width: number, dir: Direction) {
  return dir === 'rtl' ? width - x : x
}

/**
 * A coordinate to a tenth of a unit (a chart is 640 units wide): finer digits change no pixel but
 * are a tenth of a published summary's compressed bytes, since they hardly compress.
 */
export function tenth(value: number) {
  return Math.round(value * 10) / 10
}

/** The physical x of a box that starts at logical x and is `size` wide. */
export function boxX(x: number, size: number, width: number, dir: Direction) {
  return dir === 'rtl' ? width - x - size : x
}

/** Width of a character in ems, roughly: wide (CJK, full-width) characters take two units. */
function units(character: string) {
  const code = character.codePointAt(0) ?? 0
  return code >= 0x1100 &&
    (code <= 0x115f ||
      (code >= 0x2e80 && code <= 0xa4cf) ||
      (code >= 0xac00 && code <= 0xd7a3) ||
      (code >= 0xf900 && code <= 0xfaff) ||
      (code >= 0xfe30 && code <= 0xfe4f) ||
      (code >= 0xff00 && code <= 0xff60) ||
      (code >= 0x20000 && code <= 0x3fffd))
    ? 2
    : 1
}

function widthOf(text: string) {
  let total = 0
  for (const character of text) total += units(character)
  return total
}

/**
 * A label broken into at most `maxLines` lines of about `maxUnits` narrow characters each, at spaces
 * (or anywhere in scripts written without spaces); the last line ends in "…" when text is left over.
 * The full label is always in the table beside the chart.
 */
export function wrapLabel(text: string, maxUnits: number, maxLines: number) {
  const words = /\s/.test(text) ? text.split(/\s+/) : [...text]
  const joiner = /\s/.test(text) ? ' ' : ''
  const lines: string[] = []
  let line = ''
  let rest = false
  for (const word of words) {
    const candidate = line ? line + joiner + word : word
    if (widthOf(candidate) <= maxUnits || !line) {
      line = candidate
      continue
    }
    if (lines.length + 1 >= maxLines) {
      rest = true
      break
    }
    lines.push(line)
    line = word
  }
  if (line) lines.push(line)
  const last = lines.length - 1
  if (last >= 0 && (rest || widthOf(lines[last]!) > maxUnits)) {
    let cut = lines[last]!
    while (cut.length > 1 && widthOf(cut) > maxUnits - 1) cut = [...cut].slice(0, -1).join('')
    lines[last] = `${cut.trimEnd()}…`
  }
  return lines.slice(0, maxLines)
}
