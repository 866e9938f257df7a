import type { Command } from 'commander'

export function registerDemoCommands(program: Command) {
  program
    .command('demo')
    .description('the demo consultation')
    .command('seed')
    .description('seed the demo consultation into an empty database (does nothing otherwise)')
    .action(async () => {
      const { db } = await import('~/utils/db.server')
      const { seedDemo } = await import('#db/seed/demo')
      const seeded = await seedDemo(db)
      process.stdout.write(seeded ? 'demo consultation seeded\n' : 'database not empty: demo not seeded\n')
    })
}
