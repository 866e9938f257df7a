import { z } from 'zod'
import { LANGUAGES, ROLES, STAKEHOLDER_CATEGORIES } from '#db/schema/accounts'

/**
 * Form schemas shared by the browser and the server. Messages are i18n keys (accounts namespace),
 * translated where they are shown.
 */
const email = z
  .string({ required_error: 'errors.required' })
  .trim()
  .max(254, 'errors.tooLong')
  .email('errors.emailInvalid')
  .transform((value) => value.toLowerCase())

export const PASSWORD_MIN = 10
export const PASSWORD_MAX = 200
const newPassword = z
  .string({ required_error: 'errors.required' })
  .min(PASSWORD_MIN, 'errors.passwordShort')
  .max(PASSWORD_MAX, 'errors.tooLong')

const displayName = z.string({ required_error: 'errors.required' }).trim().min(1, 'errors.required').max(100, 'errors.tooLong')
const organization = z.string().trim().max(200, 'errors.tooLong').optional()
const category = z.enum(STAKEHOLDER_CATEGORIES, { errorMap: () => ({ message: 'errors.categoryUnknown' }) })
const country = z
  .string({ required_error: 'errors.required' })
  .trim()
  .regex(/^[A-Za-z]{2}$/, 'errors.countryUnknown')
  .transform((value) => value.toUpperCase())
const language = z.enum(LANGUAGES, { errorMap: () => ({ message: 'errors.languageUnknown' }) })

export const profileSchema = z.object({ displayName, organization, category, country, language })

export const signupSchema = profileSchema.extend({ email, password: newPassword })

export const loginSchema = z.object({
  email: z.string({ required_error: 'errors.required' }).trim().max(254, 'errors.tooLong').toLowerCase(),
  password: z.string({ required_error: 'errors.required' }).max(PASSWORD_MAX, 'errors.tooLong'),
  redirectTo: z.string().max(2000).optional(),
})

export const passwordChangeSchema = z
  .object({
    currentPassword: z.string({ required_error: 'errors.required' }).max(PASSWORD_MAX, 'errors.tooLong'),
    newPassword,
    confirmPassword: z.string({ required_error: 'errors.required' }).max(PASSWORD_MAX, 'errors.tooLong'),
  })
  .refine((value) => value.newPassword === value.confirmPassword, {
    path: ['confirmPassword'],
    message: 'errors.passwordMismatch',
  })

export const roleChangeSchema = z
  .object({
    userId: z.string().min(1).max(64),
    role: z.enum(ROLES, { errorMap: () => ({ message: 'errors.roleUnknown' }) }),
    regionalOrganization: z.string().max(32).optional(),
  })
  .refine((value) => value.role !== 'regional_viewer' || Boolean(value.regionalOrganization), {
    path: ['regionalOrganization'],
    message: 'errors.regionalOrganizationRequired',
  })

export type SignupInput = z.infer<typeof signupSchema>
export type ProfileInput = z.infer<typeof profileSchema>
