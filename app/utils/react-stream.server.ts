import { Transform } from 'node:stream'

/** The size of the buffer React 18's Node renderer fills before writing it out. */
export const REACT_VIEW_SIZE = 2048

/**
 * The stream React renders a page into. React 18's renderToPipeableStream writes out its whole
 * 2,048-byte buffer when the next multi-byte character does not fit at its end, unfilled bytes
 * included: one to three NUL bytes that browsers show as "�" in the middle of Arabic, Chinese or
 * Russian text, and that a form without JavaScript would send back into a comment
 * (facebook/react#24985; React 19 writes only the filled part). Such a buffer loses them here.
 */
export function createRenderStream() {
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      let end = chunk.length
      if (end === REACT_VIEW_SIZE) while (end > REACT_VIEW_SIZE - 3 && chunk[end - 1] === 0) end--
      callback(null, end === chunk.length ? chunk : chunk.subarray(0, end))
    },
  })
}
