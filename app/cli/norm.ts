import fs from 'node:fs/promises'
import type { Command } from 'commander'
import { languageTag } from '~/modules/norms/norms.schema'
import { CliError } from './main'

export function registerNormCommands(program: Command) {
  const norm = program.command('norm').description('draft norms')
  norm
    .command('import')
    .description('import a draft written in Markdown as a new norm; prints the new version id')
    .argument('<file>', 'the Markdown file (see the draft file format in DESIGN.md)')
    .option('--title <title>', 'title of the draft, replacing the one in the file')
    .option('--lang <language>', 'language the draft is written in (BCP 47 tag)', 'en')
    .action(async (file: string, options: { title?: string; lang: string }) => {
      const { fixedT } = await import('~/modules/i18n/i18n.server')
      const t = fixedT('en', 'norms')
      const language = languageTag.safeParse(options.lang)
      if (!language.success) {
        throw new CliError(t('cli.invalidOption', { option: '--lang', message: t(language.error.issues[0]!.message) }))
      }
      if (options.title !== undefined && (!options.title.trim() || options.title.length > 300)) {
        const message = options.title.trim() ? t('errors.tooLong') : t('errors.required')
        throw new CliError(t('cli.invalidOption', { option: '--title', message }))
      }
      let source: string
      try {
        source = await fs.readFile(file, 'utf8')
      } catch {
        throw new CliError(t('cli.cannotRead', { file }))
      }
      const { db } = await import('~/utils/db.server')
      const { importDraft } = await import('~/modules/norms/norms.server')
      const result = importDraft(db, source, { sourceLanguage: language.data, title: options.title }, null)
      if (!result.ok) {
        const lines = result.errors.map((error) =>
          t('cli.lineError', { line: error.line, message: t(error.key, error.values) }),
        )
        throw new CliError([t('cli.invalidDraft', { file }), ...lines].join('\n'))
      }
      process.stdout.write(`${result.versionId}\n`)
    })
}
