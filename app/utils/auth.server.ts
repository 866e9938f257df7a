import { DrizzleSQLiteAdapter } from '@lucia-auth/adapter-drizzle'
import { Lucia, TimeSpan, type DatabaseSession, type DatabaseUser, type Session, type User } from 'lucia'
import { sessions, users, type Role, type StakeholderCategory } from '#db/schema/index'
import { db, prepared, type Db } from './db.server'

/** What a signed-in request knows of its user (lucia's DatabaseUserAttributes). */
type UserAttributes = {
  email: string
  displayName: string
  role: Role
  language: string
  category: StakeholderCategory
  countryCode: string
  organizationId: number | null
  regionalOrganizationKey: string | null
}

type SessionRow = UserAttributes & { sessionId: string; userId: string; expiresAt: number }

/**
 * lucia's drizzle adapter, with the lookup every signed-in request makes (session and user) as one
 * prepared join instead of two queries built anew each time. The user's attributes carry drizzle's
 * field names, as the adapter gives them, without the password hash.
 */
class SessionAdapter extends DrizzleSQLiteAdapter {
  constructor(private readonly database: Db) {
    super(database, sessions, users)
  }

  override async getSessionAndUser(sessionId: string): Promise<[DatabaseSession | null, DatabaseUser | null]> {
    const row = prepared<SessionRow>(
      this.database,
      `select s.id as sessionId, s.user_id as userId, s.expires_at as expiresAt, u.email as email, u.display_name as displayName,
         u.role as role, u.language as language, u.category as category, u.country_code as countryCode,
         u.organization_id as organizationId, u.regional_organization_key as regionalOrganizationKey
       from sessions s join users u on u.id = s.user_id where s.id = ?`,
    ).get(sessionId)
    if (!row) return [null, null]
    const { sessionId: id, userId, expiresAt, ...attributes } = row
    return [
      { id, userId, expiresAt: new Date(expiresAt * 1000), attributes: {} },
      { id: userId, attributes },
    ]
  }
}

export function createLucia(database: Db) {
  return new Lucia(new SessionAdapter(database), {
    // Sliding expiry: lucia renews a session used in the second half of its life.
    sessionExpiresIn: new TimeSpan(14, 'd'),
    sessionCookie: {
      name: 'concord_session',
      attributes: {
        sameSite: 'lax',
        secure: process.env.NODE_ENV === 'production' && process.env.INSECURE_COOKIES !== '1',
      },
    },
    // The drizzle adapter hands over the user row with drizzle's (camel-case) field names.
    getUserAttributes: (row) => ({
      email: row.email,
      displayName: row.displayName,
      role: row.role,
      language: row.language,
      category: row.category,
      countryCode: row.countryCode,
      organizationId: row.organizationId,
      regionalOrganizationKey: row.regionalOrganizationKey,
    }),
  })
}

export const lucia = createLucia(db)

declare module 'lucia' {
  interface Register {
    Lucia: ReturnType<typeof createLucia>
    DatabaseUserAttributes: UserAttributes
  }
}

export type SessionUser = User

/**
 * The signed-in user, if any, and the Set-Cookie header to send when lucia renewed or ended the
 * session. Memoised per request, so loaders of one navigation validate the session once.
 */
const sessionsByRequest = new WeakMap<Request, Promise<{ user: User | null; session: Session | null; setCookie: string | null }>>()

export function getSession(request: Request) {
  let pending = sessionsByRequest.get(request)
  if (!pending) {
    pending = validate(request)
    sessionsByRequest.set(request, pending)
  }
  return pending
}

async function validate(request: Request) {
  const sessionId = lucia.readSessionCookie(request.headers.get('Cookie') ?? '')
  if (!sessionId) return { user: null, session: null, setCookie: null }
  const { user, session } = await lucia.validateSession(sessionId)
  if (!session) return { user: null, session: null, setCookie: lucia.createBlankSessionCookie().serialize() }
  return { user, session, setCookie: session.fresh ? lucia.createSessionCookie(session.id).serialize() : null }
}

export async function getUser(request: Request) {
  return (await getSession(request)).user
}

/** 401 unless signed in. The root error boundary renders the page in the reader's language. */
export async function requireUser(request: Request) {
  const user = await getUser(request)
  if (!user) throw new Response('Unauthorized', { status: 401 })
  return user
}

/** 403 unless the user holds one of the roles; admins may do what moderators do. */
export async function requireRole(request: Request, ...roles: Role[]) {
  const user = await requireUser(request)
  const allowed = roles.includes(user.role) || (user.role === 'admin' && roles.includes('moderator'))
  if (!allowed) throw new Response('Forbidden', { status: 403 })
  return user
}

/** Starts a new session (a new id: no fixation) and returns its cookie. */
export async function startSession(userId: string) {
  const session = await lucia.createSession(userId, {})
  return lucia.createSessionCookie(session.id).serialize()
}

export async function endSession(request: Request) {
  const { session } = await getSession(request)
  if (session) await lucia.invalidateSession(session.id)
  return lucia.createBlankSessionCookie().serialize()
}
