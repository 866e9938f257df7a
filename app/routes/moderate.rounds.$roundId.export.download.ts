import { PassThrough } from 'node:stream'
import { createReadableStreamFromReadable, type LoaderFunctionArgs } from '@remix-run/node'
import { EXPORT_CONTENT_TYPES, exportComments, exportFileName, FILE_FORMATS, type FileFormat } from '~/modules/comments/transfer.server'
import { getRound } from '~/modules/rounds/rounds.server'
import { requireRole } from '~/utils/auth.server'
import { db } from '~/utils/db.server'
import { invariantResponse } from '~/utils/http.server'
import { enforceRateLimit } from '~/utils/rate-limit.server'

/**
 * The export file of a round (`?format=csv|jsonl`), streamed as it is read: the comments go out in
 * batches, paced by how fast the client takes them, so no round is ever held in memory.
 */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const moderator = await requireRole(request, 'moderator')
  await enforceRateLimit({ request, context }, 'export', moderator.id)
  const roundId = Number(params.roundId)
  invariantResponse(Number.isSafeInteger(roundId) && roundId > 0)
  invariantResponse(getRound(db, roundId, 'en'))
  const format = new URL(request.url).searchParams.get('format') ?? 'csv'
  invariantResponse((FILE_FORMATS as readonly string[]).includes(format), 'Unknown format', 400)
  const out = new PassThrough()
  exportComments(db, roundId, format as FileFormat, out).catch((error: unknown) => out.destroy(error as Error))
  return new Response(createReadableStreamFromReadable(out), {
    headers: {
      'Content-Type': EXPORT_CONTENT_TYPES[format as FileFormat],
      'Content-Disposition': `attachment; filename="${exportFileName(roundId, format as FileFormat)}"`,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    },
  })
}
