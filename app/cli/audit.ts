import type { Command } from 'commander'
import type { AuditProblem } from '~/modules/moderation/audit.server'
import type { Db } from '~/utils/db.server'
import { CliError } from './main'

const PROBLEMS: Record<AuditProblem['problem'], string> = {
  hashMismatch: 'altered: its content no longer matches its hash',
  brokenLink: 'broken link: it does not follow from the entry before it',
  missingEntry: 'missing: the entry was deleted',
}

/** A database file opened read-only, so checking a copy (a backup, say) can never change it. */
async function openReadOnly(file: string): Promise<Db> {
  const { default: Database } = await import('better-sqlite3')
  const { drizzle } = await import('drizzle-orm/better-sqlite3')
  const schema = await import('#db/schema/index')
  let sqlite: InstanceType<typeof Database>
  try {
    sqlite = new Database(file, { readonly: true, fileMustExist: true })
  } catch (error) {
    throw new CliError(`cannot open ${file}: ${(error as Error).message}`)
  }
  return drizzle(sqlite, { schema }) as Db
}

export function registerAuditCommands(program: Command) {
  const audit = program.command('audit').description('the audit log of moderation acts')
  audit
    .command('verify')
    .description('check the hash chain of the audit log: prints OK and the entry count, or each problem by entry id (exit code 1)')
    .option('--database <file>', 'check this database file instead of DATABASE_PATH (opened read-only)')
    .action(async (options: { database?: string }) => {
      const { verifyAuditLog } = await import('~/modules/moderation/audit.server')
      const db = options.database ? await openReadOnly(options.database) : (await import('~/utils/db.server')).db
      let result: ReturnType<typeof verifyAuditLog>
      try {
        result = verifyAuditLog(db)
      } catch (error) {
        throw new CliError(`cannot read the audit log: ${(error as Error).message}`)
      } finally {
        if (options.database) db.$client.close()
      }
      const entries = `${result.entries} ${result.entries === 1 ? 'entry' : 'entries'}`
      if (result.ok) {
        process.stdout.write(`OK: audit log intact, ${entries} verified\n`)
        return
      }
      const lines = result.problems.map((problem) => `  entry ${problem.id}: ${PROBLEMS[problem.problem]}`)
      const count = `${result.problems.length} ${result.problems.length === 1 ? 'problem' : 'problems'}`
      throw new CliError(`audit log NOT intact: ${count} in ${entries}\n${lines.join('\n')}`)
    })
}
