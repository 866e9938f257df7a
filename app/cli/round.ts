import type { Command } from 'commander'
import { STAKEHOLDER_CATEGORIES } from '#db/schema/accounts'
import { parseInstant, roundSchema } from '~/modules/rounds/rounds.schema'
import { CliError } from './main'

const OPTION_NAMES: Record<string, string> = {
  versionId: '--version',
  title: '--title',
  opensAt: '--opens',
  closesAt: '--closes',
  timeZone: '--time-zone',
  eligibleCategories: '--categories',
  questions: '--question',
}

function collect(value: string, previous: string[]) {
  return [...previous, value]
}

export function registerRoundCommands(program: Command) {
  const round = program.command('round').description('comment rounds')
  round
    .command('create')
    .description('open a round on a version of a draft (the version freezes); prints the new round id')
    .requiredOption('--version <id>', 'id of the draft version')
    .requiredOption('--title <title>', 'title of the round')
    .requiredOption(
      '--opens <instant>',
      'opening: ISO 8601, e.g. 2026-12-01T09:00 (read in --time-zone) or 2026-12-01T08:00Z',
    )
    .requiredOption('--closes <instant>', 'closing, in the same form')
    .option('--time-zone <zone>', 'IANA time zone shown with the dates, e.g. Europe/Zurich', 'UTC')
    .option(
      '--categories <keys>',
      `stakeholder categories that may comment, comma-separated (${STAKEHOLDER_CATEGORIES.join(', ')})`,
    )
    .option('--question <text>', 'a guiding question (repeat for several)', collect, [])
    .action(
      async (options: {
        version: string
        title: string
        opens: string
        closes: string
        timeZone: string
        categories?: string
        question: string[]
      }) => {
        const { fixedT } = await import('~/modules/i18n/i18n.server')
        const t = fixedT('en', 'norms')
        const invalid = (field: string, key: string) =>
          new CliError(t('cli.invalidOption', { option: OPTION_NAMES[field] ?? field, message: t(key) }))
        const parsed = roundSchema.safeParse({
          versionId: /^\d+$/.test(options.version) ? options.version : 'x',
          title: options.title,
          opensAt: options.opens,
          closesAt: options.closes,
          timeZone: options.timeZone,
          eligibleCategories: options.categories
            ? options.categories
                .split(',')
                .map((key) => key.trim())
                .filter(Boolean)
            : [...STAKEHOLDER_CATEGORIES],
          questions: options.question,
        })
        if (!parsed.success) {
          const issue = parsed.error.issues[0]!
          throw invalid(String(issue.path[0] ?? ''), issue.message)
        }
        const input = parsed.data
        const opensAt = parseInstant(input.opensAt, input.timeZone)
        if (!opensAt) throw invalid('opensAt', 'errors.dateInvalid')
        const closesAt = parseInstant(input.closesAt, input.timeZone)
        if (!closesAt) throw invalid('closesAt', 'errors.dateInvalid')
        const { db } = await import('~/utils/db.server')
        const { createRound } = await import('~/modules/rounds/rounds.server')
        const result = createRound(
          db,
          {
            versionId: input.versionId,
            title: input.title,
            opensAt,
            closesAt,
            timeZone: input.timeZone,
            eligibleCategories: input.eligibleCategories,
            questions: input.questions.filter((text) => text.trim()).map((text) => ({ text })),
          },
          null,
        )
        if (!result.ok)
          throw invalid(result.error === 'versionUnknown' ? 'versionId' : 'closesAt', `errors.${result.error}`)
        process.stdout.write(`${result.roundId}\n`)
      },
    )
}
