import crypto from 'node:crypto'
import { and, asc, eq, sql } from 'drizzle-orm'
import { generateIdFromEntropySize } from 'lucia'
import { countries, organizations, regionalOrganizations, users, type Role } from '#db/schema/index'
import type { Db } from '~/utils/db.server'
import { hashPassword, verifyPassword } from '~/utils/password.server'
import type { ProfileInput, SignupInput } from './accounts.schema'

export type FieldErrors = Record<string, string[]>

/** "ACME  Ltd." and "acme ltd." are one organization. */
export function organizationKey(name: string) {
  return name.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim()
}

function findOrCreateOrganization(db: Db, name: string | undefined, now: Date) {
  const trimmed = name?.trim()
  if (!trimmed) return null
  const key = organizationKey(trimmed)
  db.insert(organizations).values({ name: trimmed, nameKey: key, createdAt: now }).onConflictDoNothing().run()
  return db.select({ id: organizations.id }).from(organizations).where(eq(organizations.nameKey, key)).get()!.id
}

function countryExists(db: Db, code: string) {
  return Boolean(db.select({ code: countries.code }).from(countries).where(eq(countries.code, code)).get())
}

/** Checks what only the database can tell: the country exists, the email is free. */
function profileErrors(db: Db, input: { country: string; email?: string }, exceptUserId?: string): FieldErrors {
  const errors: FieldErrors = {}
  if (!countryExists(db, input.country)) errors.country = ['errors.countryUnknown']
  if (input.email) {
    const existing = db.select({ id: users.id }).from(users).where(eq(users.email, input.email)).get()
    if (existing && existing.id !== exceptUserId) errors.email = ['errors.emailTaken']
  }
  return errors
}

export async function createUser(
  db: Db,
  input: SignupInput & { role?: Role; regionalOrganizationKey?: string | null },
): Promise<{ ok: true; userId: string } | { ok: false; errors: FieldErrors }> {
  const errors = profileErrors(db, input)
  if (Object.keys(errors).length) return { ok: false, errors }
  const passwordHash = await hashPassword(input.password)
  const now = new Date()
  const userId = generateIdFromEntropySize(10)
  try {
    db.transaction((tx) => {
      const organizationId = findOrCreateOrganization(tx as unknown as Db, input.organization, now)
      tx.insert(users)
        .values({
          id: userId,
          email: input.email,
          displayName: input.displayName,
          passwordHash,
          organizationId,
          category: input.category,
          countryCode: input.country,
          language: input.language,
          role: input.role ?? 'participant',
          regionalOrganizationKey: input.regionalOrganizationKey ?? null,
          createdAt: now,
        })
        .run()
    })
  } catch (error) {
    // Two sign-ups with one email at the same moment: the unique index decides.
    if (error instanceof Error && 'code' in error && error.code === 'SQLITE_CONSTRAINT_UNIQUE') {
      return { ok: false, errors: { email: ['errors.emailTaken'] } }
    }
    throw error
  }
  return { ok: true, userId }
}

/** The user for an email and password, or null without saying which of the two was wrong. */
export async function authenticate(db: Db, email: string, password: string) {
  const user = db
    .select({ id: users.id, passwordHash: users.passwordHash, language: users.language })
    .from(users)
    .where(eq(users.email, email.trim().toLowerCase()))
    .get()
  const valid = await verifyPassword(user?.passwordHash ?? null, password)
  return valid && user ? { id: user.id, language: user.language } : null
}

export function getProfile(db: Db, userId: string) {
  return db
    .select({
      id: users.id,
      email: users.email,
      displayName: users.displayName,
      organization: organizations.name,
      organizationVerified: sql<number>`${organizations.verifiedAt} is not null`,
      category: users.category,
      country: users.countryCode,
      language: users.language,
      role: users.role,
      regionalOrganizationKey: users.regionalOrganizationKey,
    })
    .from(users)
    .leftJoin(organizations, eq(organizations.id, users.organizationId))
    .where(eq(users.id, userId))
    .get()
}

export function updateProfile(db: Db, userId: string, input: ProfileInput): { ok: true } | { ok: false; errors: FieldErrors } {
  const errors = profileErrors(db, input, userId)
  if (Object.keys(errors).length) return { ok: false, errors }
  db.transaction((tx) => {
    const organizationId = findOrCreateOrganization(tx as unknown as Db, input.organization, new Date())
    tx.update(users)
      .set({
        displayName: input.displayName,
        organizationId,
        category: input.category,
        countryCode: input.country,
        language: input.language,
      })
      .where(eq(users.id, userId))
      .run()
  })
  return { ok: true }
}

export function setPreferredLanguage(db: Db, userId: string, language: string) {
  db.update(users)
    .set({ language: language as ProfileInput['language'] })
    .where(eq(users.id, userId))
    .run()
}

/** Changes the password after checking the current one. The caller ends every other session. */
export async function changePassword(db: Db, userId: string, currentPassword: string, newPassword: string) {
  const user = db.select({ passwordHash: users.passwordHash }).from(users).where(eq(users.id, userId)).get()
  if (!user || !(await verifyPassword(user.passwordHash, currentPassword))) {
    return { ok: false as const, errors: { currentPassword: ['errors.passwordWrong'] } }
  }
  db.update(users)
    .set({ passwordHash: await hashPassword(newPassword) })
    .where(eq(users.id, userId))
    .run()
  return { ok: true as const }
}

export function listUsers(db: Db) {
  return db
    .select({
      id: users.id,
      email: users.email,
      displayName: users.displayName,
      role: users.role,
      category: users.category,
      country: users.countryCode,
      regionalOrganizationKey: users.regionalOrganizationKey,
      organizationId: organizations.id,
      organization: organizations.name,
      organizationVerifiedAt: organizations.verifiedAt,
      createdAt: users.createdAt,
    })
    .from(users)
    .leftJoin(organizations, eq(organizations.id, users.organizationId))
    .orderBy(asc(users.email))
    .all()
}

export function listRegionalOrganizations(db: Db) {
  return db.select().from(regionalOrganizations).orderBy(asc(regionalOrganizations.acronym)).all()
}

export function setRole(db: Db, userId: string, role: Role, regionalOrganizationKey: string | null) {
  if (role === 'regional_viewer') {
    const known = regionalOrganizationKey
      ? db
          .select({ key: regionalOrganizations.key })
          .from(regionalOrganizations)
          .where(eq(regionalOrganizations.key, regionalOrganizationKey))
          .get()
      : undefined
    if (!known) return { ok: false as const, errors: { regionalOrganization: ['errors.regionalOrganizationRequired'] } }
  }
  const result = db
    .update(users)
    .set({ role, regionalOrganizationKey: role === 'regional_viewer' ? regionalOrganizationKey : null })
    .where(eq(users.id, userId))
    .run()
  return result.changes ? { ok: true as const } : { ok: false as const, errors: { userId: ['errors.userUnknown'] } }
}

export function setOrganizationVerified(db: Db, organizationId: number, verified: boolean, adminId: string) {
  const result = db
    .update(organizations)
    .set(verified ? { verifiedAt: new Date(), verifiedBy: adminId } : { verifiedAt: null, verifiedBy: null })
    .where(and(eq(organizations.id, organizationId)))
    .run()
  return result.changes > 0
}

export function listCountries(db: Db) {
  return db.select({ code: countries.code, regionCode: countries.regionCode }).from(countries).all()
}

/** A random id for things that must not be guessed. */
export function randomToken(bytes = 16) {
  return crypto.randomBytes(bytes).toString('base64url')
}
