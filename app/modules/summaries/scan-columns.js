// The summary's pass over a round's comments, read into columns (plain JavaScript, so that a bare
// worker thread can run it beside the server's build without loading the TypeScript sources).

/**
 * A page of rows as columns: the comment's id, its duplicate group (0 for none), and indexes into
 * the part's lists of authors (-1 for none), kinds and origins; the best suggestion score, NaN for none.
 * @typedef {{ length: number, ids: Int32Array, groups: Int32Array, authors: Int32Array, kinds: Int32Array, origins: Int32Array, best: Float64Array }} Chunk
 * @typedef {{ chunks: Chunk[], authors: string[], kinds: string[], origins: string[] }} Columns
 */

/**
 * Reads the rows of `statement` for comment ids in (from, to], `pageSize` a query, into columns.
 * The statement selects (id, group, author, kind, origin, best), ordered by id, and takes the
 * query's own parameters followed by the ids after and up to which to read.
 * @param {import('better-sqlite3').Statement} statement
 * @param {unknown[]} params
 * @param {number} from
 * @param {number} to
 * @param {number} pageSize
 * @returns {Columns}
 */
export function scanColumns(statement, params, from, to, pageSize) {
  statement.raw(true)
  /** @type {Columns} */
  const columns = { chunks: [], authors: [], kinds: [], origins: [] }
  /** @type {Map<string, number>[]} */
  const [authors, kinds, origins] = [new Map(), new Map(), new Map()]
  /** @param {Map<string, number>} map @param {string[]} list @param {string} value */
  const indexOf = (map, list, value) => {
    let index = map.get(value)
    if (index === undefined) {
      index = list.length
      map.set(value, index)
      list.push(value)
    }
    return index
  }
  let after = from
  for (;;) {
    const rows = /** @type {[number, number, string | null, string, string, number | null][]} */ (statement.all(...params, after, to))
    const length = rows.length
    const chunk = {
      length,
      ids: new Int32Array(length),
      groups: new Int32Array(length),
      authors: new Int32Array(length),
      kinds: new Int32Array(length),
      origins: new Int32Array(length),
      best: new Float64Array(length),
    }
    for (let index = 0; index < length; index++) {
      // (Indexed rather than destructured: a million times, that is a second.)
      const row = rows[index]
      chunk.ids[index] = row[0]
      chunk.groups[index] = row[1]
      chunk.authors[index] = row[2] === null ? -1 : indexOf(authors, columns.authors, row[2])
      chunk.kinds[index] = indexOf(kinds, columns.kinds, row[3])
      chunk.origins[index] = indexOf(origins, columns.origins, row[4])
      chunk.best[index] = row[5] ?? Number.NaN
    }
    if (length) columns.chunks.push(chunk)
    if (length < pageSize) return columns
    after = rows[length - 1][0]
  }
}

/**
 * The buffers of the columns' chunks, to hand them to another thread without copying.
 * @param {Columns} columns
 * @returns {ArrayBuffer[]}
 */
export function columnBuffers(columns) {
  return columns.chunks.flatMap((chunk) =>
    [chunk.ids, chunk.groups, chunk.authors, chunk.kinds, chunk.origins, chunk.best].map((array) => /** @type {ArrayBuffer} */ (array.buffer)),
  )
}
