import type { Fixtures, RoleName } from './app'

/**
 * Who gets what from every route of the built route manifest: the status a GET and a POST answer
 * for each role. authorization-matrix.test.ts asks the production build every one of these
 * questions, and fails for a route of the manifest that is missing here — so a new route cannot
 * ship without someone deciding who may use it.
 *
 * The POST carries an empty form: whoever may use the action gets its 400 (a field is missing),
 * a redirect, or 405 where the route has no action; whoever may not gets 401 or 403 before the
 * form is read. `reveals` names who may read participant A's draft, A's hidden comment and the
 * moderator's note on it; every other answer must not contain them.
 */

export type Statuses = Record<RoleName, number>
export type Secret = 'draft' | 'hidden' | 'hiddenNote'
export type MatrixEntry = {
  /** A URL of the route, with the fixtures' ids. */
  url: (f: Fixtures) => string
  GET: Statuses
  POST: Statuses
  /** Who may see each secret in this route's answers (nobody when left out). */
  reveals?: Partial<Record<Secret, RoleName[]>>
}

function statuses(visitor: number, participant: number, moderator: number, viewer: number, admin: number, otherViewer = viewer): Statuses {
  return { visitor, participant, otherParticipant: participant, moderator, viewer, otherViewer, admin }
}

/** The same answer for everyone. */
const all = (status: number) => statuses(status, status, status, status, status)
/** Signed-in people only. */
const signedIn = (status: number) => statuses(401, status, status, status, status)
/** Moderators and admins only. */
const staff = (status: number) => statuses(401, 403, status, 403, status)
/** Pages for visitors only: signed-in people are sent to their account. */
const visitorsOnly = (status: number) => statuses(status, 302, 302, 302, 302)

const STAFF: RoleName[] = ['moderator', 'admin']
const OWNER_AND_STAFF: RoleName[] = ['participant', 'moderator', 'admin']

export const AUTHORIZATION_MATRIX: Record<string, MatrixEntry> = {
  root: { url: () => '/', GET: all(200), POST: all(405) },
  'routes/_index': { url: () => '/', GET: all(200), POST: all(405) },
  'routes/$': { url: () => '/no/such/page', GET: all(404), POST: all(404) },
  'routes/healthz': { url: () => '/healthz', GET: all(200), POST: all(405) },
  'routes/locales.$lng.$ns': { url: () => '/locales/fr/common', GET: all(200), POST: all(405) },
  'routes/language': { url: () => '/language', GET: all(302), POST: all(302) },

  // Accounts
  'routes/signup': { url: () => '/signup', GET: visitorsOnly(200), POST: visitorsOnly(400) },
  'routes/login': { url: () => '/login', GET: visitorsOnly(200), POST: visitorsOnly(400) },
  'routes/logout': { url: () => '/logout', GET: all(302), POST: all(302) },
  'routes/account': { url: () => '/account', GET: signedIn(200), POST: signedIn(400) },
  'routes/my.comments': {
    url: () => '/my/comments',
    GET: signedIn(200),
    POST: all(405),
    // The moderators' note on why a comment was hidden is written for its author (the hide form says so).
    reveals: { draft: ['participant'], hidden: ['participant'], hiddenNote: ['participant'] },
  },
  'routes/admin.users': { url: () => '/admin/users', GET: statuses(401, 403, 403, 403, 200), POST: statuses(401, 403, 403, 403, 400) },

  // Public pages of a consultation
  'routes/consultations': { url: () => '/consultations', GET: all(200), POST: all(405) },
  'routes/rounds.$roundId._index': { url: (f) => `/rounds/${f.openRound}`, GET: all(200), POST: all(405) },
  'routes/rounds.$roundId.comments': { url: (f) => `/rounds/${f.openRound}/comments`, GET: all(200), POST: all(405) },
  // Only the author may open their own comment in the form; to anyone else it does not exist.
  'routes/rounds.$roundId.comment': {
    url: (f) => `/rounds/${f.openRound}/comment?edit=${f.draft}`,
    GET: { visitor: 401, participant: 200, otherParticipant: 404, moderator: 404, viewer: 404, otherViewer: 404, admin: 404 },
    POST: signedIn(400),
    reveals: { draft: ['participant'], hidden: ['participant'] },
  },
  'routes/rounds.$roundId.summary': { url: (f) => `/rounds/${f.closedRound}/summary?organization=au`, GET: all(200), POST: all(405) },
  'routes/rounds.$roundId.summary_.$number': { url: (f) => `/rounds/${f.closedRound}/summary/1`, GET: all(200), POST: all(405) },
  'routes/rounds.$roundId.summary[.]json': { url: (f) => `/rounds/${f.closedRound}/summary.json`, GET: all(200), POST: all(405) },
  'routes/rounds.$roundId.summary[.]csv': {
    url: (f) => `/rounds/${f.closedRound}/summary.csv?table=participation_by_category`,
    GET: all(200),
    POST: all(405),
  },

  // Regional viewers read their own organization's tracker; a viewer of another organization may not.
  'routes/regional._index': { url: () => '/regional', GET: statuses(401, 403, 403, 200, 200), POST: all(405) },
  'routes/regional.rounds.$roundId.tracker': {
    url: (f) => `/regional/rounds/${f.openRound}/tracker?organization=au`,
    GET: statuses(401, 403, 403, 200, 200, 403),
    POST: all(405),
  },

  // Moderation
  'routes/moderate._index': { url: () => '/moderate', GET: staff(200), POST: all(405) },
  'routes/moderate.norms.new': { url: () => '/moderate/norms/new', GET: staff(200), POST: staff(400) },
  'routes/moderate.norms.import': { url: () => '/moderate/norms/import', GET: staff(200), POST: staff(400) },
  'routes/moderate.versions.$versionId._index': { url: (f) => `/moderate/versions/${f.draftVersion}`, GET: staff(200), POST: staff(400) },
  'routes/moderate.versions.$versionId.translate': {
    url: (f) => `/moderate/versions/${f.draftVersion}/translate`,
    GET: staff(200),
    POST: staff(400),
  },
  'routes/moderate.versions.compare': {
    url: (f) => `/moderate/versions/compare?from=${f.openVersion}&to=${f.draftVersion}`,
    GET: staff(200),
    POST: all(405),
  },
  'routes/moderate.rounds.new': { url: () => '/moderate/rounds/new', GET: staff(200), POST: staff(400) },
  'routes/moderate.rounds.$roundId': { url: (f) => `/moderate/rounds/${f.openRound}`, GET: staff(200), POST: all(405) },
  'routes/moderate.rounds.$roundId.queue._index': {
    url: (f) => `/moderate/rounds/${f.openRound}/queue`,
    GET: staff(200),
    POST: all(405),
    reveals: { hidden: STAFF },
  },
  'routes/moderate.rounds.$roundId.queue.$commentId': {
    url: (f) => `/moderate/rounds/${f.openRound}/queue/${f.hidden}`,
    GET: staff(200),
    POST: staff(400),
    reveals: { hidden: STAFF, hiddenNote: STAFF },
  },
  'routes/moderate.rounds.$roundId.concerns._index': { url: (f) => `/moderate/rounds/${f.openRound}/concerns`, GET: staff(200), POST: all(405) },
  'routes/moderate.rounds.$roundId.concerns.$concernKey': {
    url: (f) => `/moderate/rounds/${f.openRound}/concerns/${f.concernKey}`,
    GET: staff(200),
    POST: staff(400),
  },
  'routes/moderate.rounds.$roundId.concerns.taxonomy': {
    url: (f) => `/moderate/rounds/${f.openRound}/concerns/taxonomy`,
    GET: staff(200),
    POST: staff(400),
  },
  'routes/moderate.rounds.$roundId.duplicates': { url: (f) => `/moderate/rounds/${f.closedRound}/duplicates`, GET: staff(200), POST: staff(400) },
  'routes/moderate.rounds.$roundId.dispositions._index': {
    url: (f) => `/moderate/rounds/${f.closedRound}/dispositions`,
    GET: staff(200),
    POST: all(405),
  },
  'routes/moderate.rounds.$roundId.dispositions.$target': {
    url: (f) => `/moderate/rounds/${f.closedRound}/dispositions/group-${f.group}`,
    GET: staff(200),
    POST: staff(400),
  },
  'routes/moderate.rounds.$roundId.questions': { url: (f) => `/moderate/rounds/${f.openRound}/questions`, GET: staff(200), POST: staff(400) },
  'routes/moderate.rounds.$roundId.summary': { url: (f) => `/moderate/rounds/${f.closedRound}/summary`, GET: staff(200), POST: staff(400) },
  'routes/moderate.rounds.$roundId.summary_.preview': {
    url: (f) => `/moderate/rounds/${f.closedRound}/summary/preview`,
    GET: staff(200),
    POST: all(405),
  },
  'routes/moderate.rounds.$roundId.import': { url: (f) => `/moderate/rounds/${f.openRound}/import`, GET: staff(200), POST: staff(400) },
  // An import job is its moderator's own: another moderator, even an admin, does not find it.
  'routes/moderate.rounds.$roundId.import_.$jobId': {
    url: (f) => `/moderate/rounds/${f.openRound}/import/${f.importJob}`,
    GET: statuses(401, 403, 200, 403, 404),
    POST: all(405),
  },
  'routes/moderate.rounds.$roundId.export': { url: (f) => `/moderate/rounds/${f.openRound}/export`, GET: staff(200), POST: all(405) },
  'routes/moderate.rounds.$roundId.export.download': {
    url: (f) => `/moderate/rounds/${f.openRound}/export/download?format=csv`,
    GET: staff(200),
    POST: all(405),
    reveals: { hidden: STAFF },
  },
  'routes/moderate.rounds.$roundId.audit': {
    url: (f) => `/moderate/rounds/${f.openRound}/audit`,
    GET: staff(200),
    POST: all(405),
    reveals: { hiddenNote: STAFF },
  },
}

/** Who may read A's secrets somewhere: the author and the moderators, never the others. */
export const MAY_EVER_READ: Record<Secret, RoleName[]> = {
  draft: ['participant'],
  hidden: OWNER_AND_STAFF,
  hiddenNote: OWNER_AND_STAFF,
}
