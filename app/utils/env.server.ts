import crypto from 'node:crypto'
import { z } from 'zod'

const schema = z.object({
  NODE_ENV: z.enum(['production', 'development', 'test']).default('development'),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  DATABASE_PATH: z.string().optional(),
  /** Signs the flash-message cookie; a random one per process is fine, flashes live for one redirect. */
  SESSION_SECRET: z.string().min(16).default(() => crypto.randomBytes(32).toString('hex')),
})

export const env = schema.parse(process.env)
