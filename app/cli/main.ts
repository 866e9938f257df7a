import { Command, CommanderError } from 'commander'
import { registerAuditCommands } from './audit'
import { registerBackupCommands } from './backup'
import { registerCommentCommands } from './comments'
import { registerConcernCommands } from './concerns'
import { registerDemoCommands } from './demo'
import { registerNormCommands } from './norm'
import { registerRoundCommands } from './round'
import { registerSummaryCommands } from './summary'
import { registerUserCommands } from './user'

export class CliError extends Error {}

/** Builds the program; each domain adds its commands. Returns the exit code. */
export async function main(argv: string[]) {
  const program = new Command('concord')
    .description('Concord: comment rounds on draft norms')
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) })
  registerUserCommands(program)
  registerDemoCommands(program)
  registerNormCommands(program)
  registerRoundCommands(program)
  registerAuditCommands(program)
  registerConcernCommands(program)
  registerCommentCommands(program)
  registerSummaryCommands(program)
  registerBackupCommands(program)
  try {
    await program.parseAsync(argv)
    return 0
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode
    if (error instanceof CliError) {
      process.stderr.write(`concord: ${error.message}\n`)
      return 1
    }
    throw error
  }
}

export async function readStdin() {
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}
