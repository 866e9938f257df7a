import fs from 'node:fs/promises'
import type { Command } from 'commander'
import { CliError } from './main'

export function registerConcernCommands(program: Command) {
  const concerns = program.command('concerns').description('concern taxonomies of rounds')
  concerns
    .command('set')
    .description(
      'set the concern taxonomy of a round from a JSON file (see the concern taxonomy file in DESIGN.md), in one transaction: ' +
        'concerns in the file are added or updated by key (labels and keywords replaced, order as in the file); ' +
        'the round’s other concerns are removed only if no comment carries them, otherwise nothing changes and the command exits 1',
    )
    .requiredOption('--round <id>', 'id of the round')
    .option(
      '--force',
      'also remove concerns that only machine suggestions carry (their suggestions go with them); concerns a moderator or an author ' +
        'gave to a comment are never removed, and nothing is merged: merge them into another concern on the taxonomy page first',
    )
    .argument('<file>', 'the taxonomy file (JSON)')
    .action(async (file: string, options: { round: string; force?: boolean }) => {
      const { fixedT } = await import('~/modules/i18n/i18n.server')
      const t = fixedT('en', 'concerns')
      const roundId = /^[1-9]\d{0,15}$/.test(options.round) ? Number(options.round) : NaN
      if (!Number.isSafeInteger(roundId)) throw new CliError(t('cli.invalidRound', { round: options.round }))
      let source: string
      try {
        source = await fs.readFile(file, 'utf8')
      } catch {
        throw new CliError(t('cli.cannotRead', { file }))
      }
      let json: unknown
      try {
        json = JSON.parse(source.replace(/^\uFEFF/, ''))
      } catch (error) {
        throw new CliError(t('cli.invalidJson', { file, message: error instanceof Error ? error.message : String(error) }))
      }
      const { taxonomyFileProblems, taxonomyFileSchema } = await import('~/modules/concerns/concerns.schema')
      const parsed = taxonomyFileSchema.safeParse(json)
      if (!parsed.success) {
        const lines = taxonomyFileProblems(parsed.error).map((problem) =>
          `  ${problem.path || '(file)'}: ${t(problem.key, problem.values)}`,
        )
        throw new CliError([t('cli.invalidFile', { file }), ...lines].join('\n'))
      }
      const { db } = await import('~/utils/db.server')
      const { setRoundTaxonomy } = await import('~/modules/concerns/taxonomy.server')
      const result = setRoundTaxonomy(db, {
        roundId,
        actorId: null,
        reason: `concord concerns set --round ${roundId}${options.force ? ' --force' : ''} ${file}`,
        force: options.force ?? false,
        concerns: parsed.data.concerns.map((concern) => ({ key: concern.key, labels: concern.labels, keywords: concern.keywords ?? {} })),
      })
      if (!result.ok) {
        if (result.error === 'roundUnknown') throw new CliError(t('cli.roundUnknown', { round: roundId }))
        const lines = result.inUse.map((concern) =>
          t('cli.inUseLine', {
            key: concern.key,
            moderator: concern.moderator,
            author: concern.author,
            suggested: concern.suggested,
          }),
        )
        throw new CliError([t(options.force ? 'cli.inUseForce' : 'cli.inUse', { count: result.inUse.length }), ...lines].join('\n'))
      }
      process.stdout.write(
        `${t('cli.done', {
          round: roundId,
          added: result.added.length,
          updated: result.updated.length,
          removed: result.removed.length,
          unchanged: result.unchanged.length,
        })}\n`,
      )
    })
}
