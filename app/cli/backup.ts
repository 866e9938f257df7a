import fs from 'node:fs'
import path from 'node:path'
import type { Command } from 'commander'
import Database from 'better-sqlite3'
import { projectRoot } from '~/utils/paths.server'
import { CliError } from './main'

/** The server's database file, found as db.server finds it, without opening or migrating it here. */
function databasePath() {
  return process.env.DATABASE_PATH || path.join(projectRoot, 'data', 'concord.db')
}

/**
 * Copies a live database to a new file with SQLite's online backup API, then checks the copy.
 * All pages are copied in one step, inside one read transaction: in WAL mode the server's writes
 * go on meanwhile and cannot make the copy start over. The copy is written beside the target and
 * renamed only once its integrity check says ok, so a file at the target is always a whole backup.
 */
export async function backupDatabase(source: string, target: string) {
  const destination = path.resolve(target)
  if (fs.existsSync(destination)) throw new CliError(`${target} already exists: choose a new file name`)
  if (!fs.existsSync(path.dirname(destination))) throw new CliError(`the folder ${path.dirname(target)} does not exist`)
  let sqlite: Database.Database
  try {
    sqlite = new Database(source, { fileMustExist: true, readonly: true })
  } catch (error) {
    throw new CliError(`cannot open the database ${source}: ${(error as Error).message}`)
  }
  const partial = `${destination}.partial-${process.pid}`
  try {
    await sqlite.backup(partial, { progress: () => 0x7fffffff })
  } catch (error) {
    fs.rmSync(partial, { force: true })
    throw new CliError(`the backup failed: ${(error as Error).message}`)
  } finally {
    sqlite.close()
  }
  const copy = new Database(partial)
  let integrity: unknown
  let pages: unknown
  try {
    // One self-contained file (no -wal beside it), ready to be copied back in place.
    copy.pragma('journal_mode = DELETE')
    integrity = copy.pragma('integrity_check', { simple: true })
    pages = copy.pragma('page_count', { simple: true })
  } finally {
    copy.close()
  }
  if (integrity !== 'ok') {
    fs.rmSync(partial, { force: true })
    throw new CliError(`the copy failed its integrity check (${String(integrity)}); no backup written`)
  }
  fs.renameSync(partial, destination)
  return { file: destination, pages: Number(pages) }
}

export function registerBackupCommands(program: Command) {
  program
    .command('backup')
    .description('copy the database (DATABASE_PATH) to a new file while the server runs, with SQLite’s online backup API; see the README for restoring')
    .argument('<file>', 'the backup file to write; it must not exist yet')
    .action(async (file: string) => {
      const result = await backupDatabase(databasePath(), file)
      process.stdout.write(`OK: backup written to ${result.file} (${result.pages} pages, integrity ok)\n`)
    })
}
