import { sql } from 'drizzle-orm'
import { db } from '~/utils/db.server'

/** For load balancers and the start script: 200 when the database answers. */
export async function loader() {
  db.run(sql`select 1`)
  return new Response('ok', { headers: { 'Content-Type': 'text/plain', 'Cache-Control': 'no-store' } })
}
