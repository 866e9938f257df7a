import type Database from 'better-sqlite3'
import { LRUCache } from 'lru-cache'

/**
 * drizzle (and rate-limiter-flexible) ask better-sqlite3 to prepare every query they run anew, and
 * SQLite's parsing and planning is a good part of a short query's time. The connection keeps the
 * statements it has prepared, by their SQL text, and hands the same one back in its default mode
 * (drizzle switches some to raw rows). Statements run to the end synchronously (none is iterated),
 * so one is never busy when it is handed out again.
 */
export function keepStatements(sqlite: Database.Database) {
  const statements = new LRUCache<string, Database.Statement>({ max: 1000 })
  const prepare = sqlite.prepare.bind(sqlite)
  sqlite.prepare = ((source: string) => {
    let statement = statements.get(source)
    if (!statement) {
      statement = prepare(source)
      statements.set(source, statement)
    } else if (statement.reader) {
      statement.raw(false).pluck(false).expand(false)
    }
    return statement
  }) as typeof sqlite.prepare
}
