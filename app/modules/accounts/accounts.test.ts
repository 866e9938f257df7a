import { eq } from 'drizzle-orm'
import { organizations, users } from '#db/schema/index'
import { createTestDb } from '~/test/db'
import { signupSchema } from './accounts.schema'
import { authenticate, changePassword, createUser, setRole } from './accounts.server'

const valid = {
  email: 'Amina.Diallo@Example.org',
  password: 'a long enough password',
  displayName: 'Amina Diallo',
  organization: 'Dakar Digital Rights Lab',
  category: 'civil_society',
  country: 'sn',
  language: 'fr',
}

describe('sign-up', () => {
  it('creates the account with a folded email, an argon2id hash and the organization', async () => {
    const db = createTestDb()
    const result = await createUser(db, signupSchema.parse(valid))
    expect(result.ok).toBe(true)
    const row = db.select().from(users).get()!
    expect(row.email).toBe('amina.diallo@example.org')
    expect(row.countryCode).toBe('SN')
    expect(row.role).toBe('participant')
    expect(row.passwordHash).toMatch(/^\$argon2id\$/)
    expect(db.select().from(organizations).all()).toHaveLength(1)
  })

  it('refuses an email already used, and an unknown country, creating nothing', async () => {
    const db = createTestDb()
    await createUser(db, signupSchema.parse(valid))
    const again = await createUser(db, signupSchema.parse({ ...valid, email: 'amina.diallo@example.org' }))
    expect(again).toEqual({ ok: false, errors: { email: ['errors.emailTaken'] } })
    const nowhere = await createUser(db, signupSchema.parse({ ...valid, email: 'x@example.org', country: 'QQ' }))
    expect(nowhere).toEqual({ ok: false, errors: { country: ['errors.countryUnknown'] } })
    expect(db.select().from(users).all()).toHaveLength(1)
  })

  it('rejects malformed input field by field', () => {
    const result = signupSchema.safeParse({ ...valid, email: 'nope', password: 'short', category: 'spy', displayName: 'x'.repeat(1_000_000) })
    expect(result.success).toBe(false)
    const fields = result.error!.flatten().fieldErrors
    expect(fields.email).toEqual(['errors.emailInvalid'])
    expect(fields.password).toEqual(['errors.passwordShort'])
    expect(fields.category).toEqual(['errors.categoryUnknown'])
    expect(fields.displayName).toEqual(['errors.tooLong'])
  })
})

describe('log-in and passwords', () => {
  it('authenticates the right password only, without telling which part was wrong', async () => {
    const db = createTestDb()
    await createUser(db, signupSchema.parse(valid))
    expect(await authenticate(db, 'AMINA.DIALLO@example.org', valid.password)).toMatchObject({ language: 'fr' })
    expect(await authenticate(db, valid.email, 'wrong password!')).toBeNull()
    expect(await authenticate(db, 'nobody@example.org', valid.password)).toBeNull()
  })

  it('changes the password only with the current one', async () => {
    const db = createTestDb()
    const created = await createUser(db, signupSchema.parse(valid))
    if (!created.ok) throw new Error('not created')
    expect((await changePassword(db, created.userId, 'not it at all', 'another long password')).ok).toBe(false)
    expect((await changePassword(db, created.userId, valid.password, 'another long password')).ok).toBe(true)
    expect(await authenticate(db, valid.email, 'another long password')).not.toBeNull()
    expect(await authenticate(db, valid.email, valid.password)).toBeNull()
  })
})

describe('roles', () => {
  it('ties a regional viewer to a known regional organization', async () => {
    const db = createTestDb()
    const created = await createUser(db, signupSchema.parse(valid))
    if (!created.ok) throw new Error('not created')
    expect(setRole(db, created.userId, 'regional_viewer', null).ok).toBe(false)
    expect(setRole(db, created.userId, 'regional_viewer', 'nato').ok).toBe(false)
    expect(setRole(db, created.userId, 'regional_viewer', 'au').ok).toBe(true)
    const row = db.select().from(users).where(eq(users.id, created.userId)).get()!
    expect(row).toMatchObject({ role: 'regional_viewer', regionalOrganizationKey: 'au' })
    expect(setRole(db, created.userId, 'moderator', 'au').ok).toBe(true)
    expect(db.select().from(users).get()!.regionalOrganizationKey).toBeNull()
  })
})
