import fs from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3'
import { migrate } from 'drizzle-orm/better-sqlite3/migrator'
import * as schema from '#db/schema/index'
import { projectRoot } from './paths.server'
import { keepStatements } from './statements.server'
import { CATEGORY_ROWS, countryRows, m49Areas, REGIONAL_ORGANIZATIONS } from '#db/reference'

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database }

export const MIGRATIONS_FOLDER = path.join(projectRoot, 'db', 'migrations')

export function defaultDatabasePath() {
  return process.env.DATABASE_PATH || path.join(projectRoot, 'data', 'concord.db')
}

/**
 * NORMAL unless DATABASE_SYNCHRONOUS=FULL: in WAL mode NORMAL keeps every committed transaction
 * through a crash or kill -9 of the process; FULL also through a power cut or an OS crash, at the
 * cost of an fsync per commit. See the README's durability decision.
 */
export function synchronousMode(value = process.env.DATABASE_SYNCHRONOUS) {
  const mode = (value || 'NORMAL').trim().toUpperCase()
  if (mode !== 'NORMAL' && mode !== 'FULL') throw new Error(`DATABASE_SYNCHRONOUS must be NORMAL or FULL; it is "${value}"`)
  return mode
}

/**
 * Opens a database file with Concord's settings. WAL lets readers run beside the one writer;
 * synchronous as synchronousMode() says.
 */
export function openDatabase(file: string): Db {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true })
  const sqlite = new Database(file)
  sqlite.pragma('journal_mode = WAL')
  sqlite.pragma(`synchronous = ${synchronousMode()}`)
  sqlite.pragma('foreign_keys = ON')
  sqlite.pragma('busy_timeout = 5000')
  // 32 MB of pages per connection: the operating system caches the file as well, and every server
  // process has its own connection, so this is paid once per process.
  sqlite.pragma('cache_size = -32000')
  keepStatements(sqlite)
  return drizzle(sqlite, { schema }) as Db
}

/** Applies pending migrations and the reference data. Safe to run at every start. */
export function prepareDatabase(db: Db) {
  migrate(db, { migrationsFolder: MIGRATIONS_FOLDER })
  db.transaction((tx) => {
    tx.insert(schema.stakeholderCategories).values(CATEGORY_ROWS).onConflictDoNothing().run()
    const areas = m49Areas()
    // Regions first: sub-regions and intermediate regions refer to their parents.
    for (const kind of ['region', 'subregion', 'intermediate'] as const) {
      const rows = areas.filter((area) => area.kind === kind)
      if (rows.length) tx.insert(schema.m49Areas).values(rows).onConflictDoNothing().run()
    }
    tx.insert(schema.countries).values(countryRows()).onConflictDoNothing().run()
    for (const [key, organization] of Object.entries(REGIONAL_ORGANIZATIONS)) {
      tx.insert(schema.regionalOrganizations).values({ key, acronym: organization.acronym }).onConflictDoNothing().run()
      tx.insert(schema.regionalOrganizationMembers)
        .values(organization.members.map((countryCode) => ({ organizationKey: key, countryCode })))
        .onConflictDoNothing()
        .run()
    }
  })
  return db
}

declare global {
  var __concordDb: Db | undefined
}

/** The one database client of the process, kept across dev rebuilds. */
export const db: Db = (globalThis.__concordDb ??= prepareDatabase(openDatabase(defaultDatabasePath())))

/** The better-sqlite3 connection behind a client or one of its transactions. */
export function connectionOf(db: Db): Database.Database {
  return db.$client ?? (db as unknown as { session: { client: Database.Database } }).session.client
}

/**
 * A statement of hand-written SQL, for the queries that run on every comment submitted or imported,
 * where building the query with drizzle each time costs more than running it. It comes from the
 * connection's statement cache (keepStatements), in its default mode even when drizzle last used
 * the same SQL for raw rows. Binds positional or named parameters as better-sqlite3 does.
 */
export function prepared<Row = unknown>(db: Db, source: string): Database.Statement<unknown[], Row> {
  return connectionOf(db).prepare(source) as Database.Statement<unknown[], Row>
}
