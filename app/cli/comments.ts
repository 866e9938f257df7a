import fs from 'node:fs'
import { Writable } from 'node:stream'
import type { Command } from 'commander'
import { CliError } from './main'

type Format = 'csv' | 'jsonl'
const FORMATS: readonly string[] = ['csv', 'jsonl']
/** Bad rows named on standard error; the rest are counted. */
const MAX_PRINTED_ERRORS = 100
/** Fewer bytes than any row of a comment file takes (a header, a category and a text): sizes a file's most rows. */
const MIN_ROW_BYTES = 40

function roundOption(value: string) {
  if (!/^\d{1,12}$/.test(value) || Number(value) < 1) throw new CliError(`option --round: give the id of a round, such as 3`)
  return Number(value)
}

function formatOption(value: string | undefined): Format | undefined {
  if (value === undefined) return undefined
  if (!FORMATS.includes(value)) throw new CliError(`option --format: use csv or jsonl`)
  return value as Format
}

const numbers = new Intl.NumberFormat('en')

/** Standard output as a stream that export can end without closing the process's own stdout. */
function stdoutStream() {
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      if (process.stdout.write(chunk)) done()
      else process.stdout.once('drain', () => done())
    },
  })
}

export function registerCommentCommands(program: Command) {
  const group = program.command('comments').description("a round's comments")

  group
    .command('import')
    .description('import comments into a round from a CSV or JSON Lines file (DESIGN.md, "Comment file format"); all rows or none')
    .requiredOption('--round <id>', 'id of the round')
    .option('--format <format>', 'csv or jsonl (default: from the file name)')
    .argument('<file>', 'the file to import')
    .action(async (file: string, options: { round: string; format?: string }) => {
      const roundId = roundOption(options.round)
      const { fixedT } = await import('~/modules/i18n/i18n.server')
      const transfer = await import('~/modules/comments/transfer.server')
      const t = fixedT('en', 'transfer')
      const describe = (error: { line: number | null; field: string | null; reason: string; values?: Record<string, string | number> }) =>
        `${error.line !== null ? `line ${error.line}: ` : ''}${error.field ? `${error.field}: ` : ''}${t(error.reason, error.values)}`

      let size: number
      try {
        const stat = fs.statSync(file)
        if (!stat.isFile()) throw new Error('not a file')
        size = stat.size
      } catch {
        throw new CliError(`cannot read ${file}`)
      }
      if (size > transfer.MAX_FILE_BYTES) {
        throw new CliError(`${file} was not imported: ${t('errors.tooLarge', { max: transfer.MAX_FILE_LABEL })}`)
      }
      const format = formatOption(options.format) ?? transfer.formatOf(file)
      if (!format) throw new CliError(`cannot tell the format of ${file}: name it .csv or .jsonl, or give --format`)

      const { db } = await import('~/utils/db.server')
      const { getRound } = await import('~/modules/rounds/rounds.server')
      if (!getRound(db, roundId, 'en')) throw new CliError(`option --round: there is no round ${roundId}`)

      const started = performance.now()
      const interactive = Boolean(process.stderr.isTTY)
      let lastStep = ''
      const onProgress = (progress: { phase: 'analysing' | 'saving'; done: number; total: number }) => {
        const percent = progress.total ? Math.floor((progress.done / progress.total) * 100) : 100
        const step = `${progress.phase}:${interactive ? percent : Math.floor(percent / 10)}`
        if (step === lastStep) return
        lastStep = step
        const text = `${progress.phase} ${numbers.format(progress.done)} of ${numbers.format(progress.total)} rows (${percent}%)`
        process.stderr.write(interactive ? `\r\u001b[K${text}` : `${text}\n`)
      }
      // A file that may hold enough rows for the analysis threads gets them now, so that they load
      // their sources while this thread reads and checks the file; its rows are then stored as the
      // threads analyse them.
      const { AnalysisThreads, streamingThreads } = await import('~/modules/comments/analysis-pool.server')
      const threads = size >= transfer.ANALYSIS_THREADS_FROM * MIN_ROW_BYTES ? new AnalysisThreads(streamingThreads()) : undefined
      let result: Awaited<ReturnType<typeof transfer.importComments>>
      try {
        const checked = await transfer.checkCommentFile(db, roundId, fs.createReadStream(file), format)
        if (!checked.ok) {
          const shown = checked.errors.slice(0, MAX_PRINTED_ERRORS).map(describe)
          const more = checked.errorCount - shown.length
          const count = checked.errorCount === 1 ? '1 problem' : `${numbers.format(checked.errorCount)} problems`
          throw new CliError(
            [`${file} was not imported (${count}; nothing was stored):`, ...shown, ...(more > 0 ? [`and ${numbers.format(more)} more`] : [])].join('\n'),
          )
        }
        result = await transfer.importComments(db, roundId, checked.rows, null, { onProgress, fileName: file, threads, stream: true })
      } finally {
        await threads?.close()
      }
      if (interactive) process.stderr.write('\r\u001b[K')
      if (!result.ok) {
        throw new CliError([`${file} was not imported: the round changed while it was read.`, ...result.errors.slice(0, MAX_PRINTED_ERRORS).map(describe)].join('\n'))
      }
      const seconds = (performance.now() - started) / 1000
      process.stdout.write(
        [
          `imported ${numbers.format(result.imported)} comments into round ${roundId} (ids ${result.firstId}–${result.lastId})`,
          `  ${numbers.format(result.grouped)} placed in duplicate groups`,
          `  ${numbers.format(result.confirmed)} with concerns confirmed by the file, ${numbers.format(result.suggested)} with suggested concerns`,
          `  ${numbers.format(result.detected)} languages detected where the file gave none`,
          `  ${seconds.toFixed(1)} s, ${numbers.format(Math.round(result.imported / Math.max(seconds, 0.001)))} rows/s`,
        ].join('\n') + '\n',
      )
    })

  group
    .command('export')
    .description("export a round's submitted comments with their concerns, suggestions, duplicate groups and dispositions")
    .requiredOption('--round <id>', 'id of the round')
    .requiredOption('--format <format>', 'csv or jsonl')
    .option('--out <file>', 'write to this file (default: standard output)')
    .action(async (options: { round: string; format: string; out?: string }) => {
      const roundId = roundOption(options.round)
      const format = formatOption(options.format)!
      const { db } = await import('~/utils/db.server')
      const { getRound } = await import('~/modules/rounds/rounds.server')
      const { exportComments } = await import('~/modules/comments/transfer.server')
      if (!getRound(db, roundId, 'en')) throw new CliError(`option --round: there is no round ${roundId}`)
      let out: Writable
      if (options.out) {
        const target = options.out
        try {
          fs.writeFileSync(target, '')
        } catch {
          throw new CliError(`cannot write ${target}`)
        }
        out = fs.createWriteStream(target)
      } else out = stdoutStream()
      const count = await exportComments(db, roundId, format, out)
      process.stderr.write(`exported ${numbers.format(count)} comments${options.out ? ` to ${options.out}` : ''}\n`)
    })
}
