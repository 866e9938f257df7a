/**
 * Every RATE_LIMIT_<ACTION>_<SCOPE> variable (app/utils/rate-limit.server.ts), set out of reach: the
 * e2e servers sign up, log in and comment far more often than a person would. The rate-limit spec
 * starts a server of its own with low limits.
 */
export const UNREACHABLE_RATE_LIMITS: Record<string, string> = Object.fromEntries(
  ['SIGNUP', 'LOGIN', 'COMMENT', 'EXPORT'].flatMap((action) =>
    ['IP', 'ACCOUNT'].map((scope) => [`RATE_LIMIT_${action}_${scope}`, '1000000/1']),
  ),
)
