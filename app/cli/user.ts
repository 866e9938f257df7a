import type { Command } from 'commander'
import { ROLES, type Role } from '#db/schema/accounts'
import { signupSchema } from '~/modules/accounts/accounts.schema'
import { createUser } from '~/modules/accounts/accounts.server'
import { CliError, readStdin } from './main'

export function registerUserCommands(program: Command) {
  const user = program.command('user').description('manage accounts')
  user
    .command('create')
    .description('create an account, e.g. the first admin')
    .requiredOption('--email <email>', 'email address')
    .option('--password-stdin', 'read the password from standard input')
    .option('--role <role>', `one of ${ROLES.join(', ')}`, 'participant')
    .option('--name <name>', 'display name')
    .option('--category <category>', 'stakeholder category', 'other')
    .option('--country <code>', 'ISO 3166-1 alpha-2 country code', 'CH')
    .option('--language <language>', 'preferred language', 'en')
    .option('--organization <name>', 'organization')
    .option('--regional-organization <key>', 'for a regional viewer: au, asean, eu, oas, osce, pif')
    .action(async (options) => {
      if (!options.passwordStdin) throw new CliError('give the password on standard input with --password-stdin')
      if (!(ROLES as readonly string[]).includes(options.role)) throw new CliError(`unknown role ${options.role}`)
      const password = (await readStdin()).replace(/\r?\n$/, '')
      const parsed = signupSchema.safeParse({
        email: options.email,
        password,
        displayName: options.name ?? String(options.email).split('@')[0],
        organization: options.organization,
        category: options.category,
        country: options.country,
        language: options.language,
      })
      if (!parsed.success) {
        const messages = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`)
        throw new CliError(messages.join('; '))
      }
      const { db } = await import('~/utils/db.server')
      const result = await createUser(db, {
        ...parsed.data,
        role: options.role as Role,
        regionalOrganizationKey: options.regionalOrganization ?? null,
      })
      if (!result.ok) {
        throw new CliError(Object.entries(result.errors).map(([field, keys]) => `${field}: ${keys.join(', ')}`).join('; '))
      }
      process.stdout.write(`${result.userId}\n`)
    })
}
