/**
 * Text analysis for concern suggestions, for comments in any language.
 *
 * A text is normalised (NFKC, lower case, typographic apostrophes), split into words with
 * Intl.Segmenter in the text's language (which breaks Chinese, Japanese and Thai into dictionary
 * words), and each word gets three forms: as written (folded), without Latin/Greek/Cyrillic
 * diacritics and Arabic vowel marks (loose), and stemmed with the Snowball stemmer of its language
 * (from @orama/stemmers). Stop words come from the `stopword` package (62 languages).
 *
 * `tokenize` turns a text into the features of the suggestion model: stems of the words that are
 * not stop words, plus character bigrams of runs of Han, kana, Thai, Lao, Khmer or Myanmar script,
 * which do not depend on where the segmenter happened to cut.
 *
 * Pure and deterministic: the same text, language and package versions give the same tokens.
 */
import { stemmer as arabic } from '@orama/stemmers/arabic'
import { stemmer as armenian } from '@orama/stemmers/armenian'
import { stemmer as bulgarian } from '@orama/stemmers/bulgarian'
import { stemmer as danish } from '@orama/stemmers/danish'
import { stemmer as dutch } from '@orama/stemmers/dutch'
import { stemmer as english } from '@orama/stemmers/english'
import { stemmer as finnish } from '@orama/stemmers/finnish'
import { stemmer as french } from '@orama/stemmers/french'
import { stemmer as german } from '@orama/stemmers/german'
import { stemmer as greek } from '@orama/stemmers/greek'
import { stemmer as hungarian } from '@orama/stemmers/hungarian'
import { stemmer as indonesian } from '@orama/stemmers/indonesian'
import { stemmer as irish } from '@orama/stemmers/irish'
import { stemmer as italian } from '@orama/stemmers/italian'
import { stemmer as lithuanian } from '@orama/stemmers/lithuanian'
import { stemmer as nepali } from '@orama/stemmers/nepali'
import { stemmer as norwegian } from '@orama/stemmers/norwegian'
import { stemmer as portuguese } from '@orama/stemmers/portuguese'
import { stemmer as romanian } from '@orama/stemmers/romanian'
import { stemmer as russian } from '@orama/stemmers/russian'
import { stemmer as serbian } from '@orama/stemmers/serbian'
import { stemmer as spanish } from '@orama/stemmers/spanish'
import { stemmer as swedish } from '@orama/stemmers/swedish'
import { stemmer as tamil } from '@orama/stemmers/tamil'
import { stemmer as turkish } from '@orama/stemmers/turkish'
import { stemmer as ukrainian } from '@orama/stemmers/ukrainian'
import * as stopword from 'stopword'

/**
 * Names the analysis below. A model keeps the version it was trained with: when this changes
 * (new rules, new stemmer or stop-word package versions), rebuild models from the confirmed labels.
 */
export const TOKENIZER_VERSION = 'concord-text-1'

/** Snowball stemmers by ISO 639-1 code. */
const STEMMERS: Record<string, (word: string) => string> = {
  ar: arabicLight,
  hy: armenian,
  bg: bulgarian,
  da: danish,
  nl: dutch,
  en: english,
  fi: finnish,
  fr: french,
  de: german,
  el: greek,
  hu: hungarian,
  id: indonesian,
  ga: irish,
  it: italian,
  lt: lithuanian,
  ne: nepali,
  no: norwegian,
  nb: norwegian,
  nn: norwegian,
  pt: portuguese,
  ro: romanian,
  ru: russian,
  sr: serbian,
  es: spanish,
  sv: swedish,
  ta: tamil,
  tr: turkish,
  uk: ukrainian,
}

/** Stop-word lists of the `stopword` package (ISO 639-3 names) by ISO 639-1 code. */
const STOPWORD_LISTS: Record<string, string[]> = {
  af: stopword.afr, ar: stopword.ara, bn: stopword.ben, br: stopword.bre, bg: stopword.bul,
  ca: stopword.cat, cs: stopword.ces, da: stopword.dan, de: stopword.deu, el: stopword.ell,
  en: stopword.eng, eo: stopword.epo, et: stopword.est, eu: stopword.eus, fa: stopword.fas,
  fi: stopword.fin, fr: stopword.fra, ga: stopword.gle, gl: stopword.glg, gu: stopword.guj,
  ha: stopword.hau, he: stopword.heb, hi: stopword.hin, hr: stopword.hrv, hu: stopword.hun,
  hy: stopword.hye, id: stopword.ind, it: stopword.ita, ja: stopword.jpn, ko: stopword.kor,
  ku: stopword.kur, la: stopword.lat, lv: stopword.lav, lt: stopword.lit, mr: stopword.mar,
  ms: stopword.msa, my: stopword.mya, nl: stopword.nld, no: stopword.nob, nb: stopword.nob,
  pa: stopword.panGu, pl: stopword.pol, pt: stopword.por, ro: stopword.ron, ru: stopword.rus,
  sk: stopword.slk, sl: stopword.slv, so: stopword.som, st: stopword.sot, es: stopword.spa,
  sw: stopword.swa, sv: stopword.swe, tl: stopword.tgl, th: stopword.tha, tr: stopword.tur,
  uk: stopword.ukr, ur: stopword.urd, vi: stopword.vie, yo: stopword.yor, zh: stopword.zho,
  zu: stopword.zul,
}

const stopSets = new Map<string, Set<string>>()

function stopSet(language: string): Set<string> | undefined {
  let set = stopSets.get(language)
  if (!set) {
    const list = STOPWORD_LISTS[language]
    if (!list) return undefined
    set = new Set(list.map((word) => fold(word)))
    stopSets.set(language, set)
  }
  return set
}

/** Languages that glue nouns into compounds: keyword words may match inside a word. */
export const COMPOUNDING_LANGUAGES: ReadonlySet<string> = new Set(['de', 'nl', 'sv', 'da', 'no', 'nb', 'nn', 'fi', 'is'])

/** 'fr-CA' → 'fr', 'zh-Hant-TW' → 'zh'; empty or unknown → 'und'. */
export function primaryLanguage(tag: string | null | undefined): string {
  const primary = (tag ?? '').trim().toLowerCase().split(/[-_]/)[0] ?? ''
  return /^[a-z]{2,3}$/.test(primary) ? primary : 'und'
}

/** Whether words of this language are stemmed. */
export function hasStemmer(language: string): boolean {
  return primaryLanguage(language) in STEMMERS
}

/** NFKC, lower case, typographic apostrophes made plain, Greek final sigma folded. */
export function fold(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/[\u2019\u02bc\u2018`´]/g, "'").replace(/ς/g, 'σ')
}

/**
 * Removes the diacritics of Latin, Greek and Cyrillic letters (é → e, ё → е), the Arabic vowel
 * marks, hamza marks (so أ إ آ fold to ا) and tatweel, but keeps the marks that are letters' vowels
 * in Indic, Thai and other scripts.
 */
export function stripMarks(text: string): string {
  // eslint-disable-next-line no-control-regex -- ASCII text has no marks: skip the two normalisations.
  if (!/[^\u0000-\u007f]/.test(text)) return text
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f\u064b-\u065f\u0670\u0640]/g, '')
    .normalize('NFC')
}

/** The Snowball Arabic stemmer, after removing the conjunction before the article (وال, فال). */
function arabicLight(word: string): string {
  const bare = stripMarks(word)
  return arabic(bare.length > 5 && /^[وف]ال/.test(bare) ? bare.slice(1) : bare)
}

/** The stem of a folded word in a language; the word itself where there is no stemmer. */
export function stem(word: string, language: string): string {
  const stemmer = STEMMERS[primaryLanguage(language)]
  return stemmer ? stemmer(word) : word
}

export function isStopWord(word: string, language: string): boolean {
  return stopSet(primaryLanguage(language))?.has(fold(word)) ?? false
}

/** Scripts written without spaces between words. */
const UNSPACED = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u
const UNSPACED_RUN = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}\u30fc]+/gu

export function isUnspaced(text: string): boolean {
  return UNSPACED.test(text)
}

/** French, Italian and Catalan elisions split off a word: l'homme → homme, d'expression → expression. */
const ELISION = /^(?:[cdjlmnst]|qu|jusqu|lorsqu|puisqu|quoiqu|dell|all|dall|nell|sull|quest|un)'(?=\p{L})/u

const ELIDING_LANGUAGES = new Set(['fr', 'it', 'ca'])

const segmenters = new Map<string, Intl.Segmenter>()

function segmenter(language: string): Intl.Segmenter {
  let s = segmenters.get(language)
  if (!s) {
    try {
      s = new Intl.Segmenter(language === 'und' ? undefined : language, { granularity: 'word' })
    } catch {
      // A tag that is well formed but unknown to Intl: segment by the default rules.
      s = new Intl.Segmenter(undefined, { granularity: 'word' })
    }
    segmenters.set(language, s)
  }
  return s
}

export type Word = {
  /** As written, folded: NFKC and lower case. */
  form: string
  /** Folded, without diacritics: for loose comparisons. */
  loose: string
  /** The stem in the text's language, without diacritics. */
  stem: string
  stop: boolean
}

export type Analysis = {
  /** Primary language subtag, 'und' when unknown. */
  language: string
  /** Every word-like segment, in order, stop words included (phrases need them). */
  words: Word[]
  /** The whole text folded and without diacritics, for keywords in scripts without spaces. */
  loose: string
}

/** Segmented pieces by language and text; words are immutable, so they can be shared. */
const pieceCache = new Map<string, readonly Word[]>()
const PIECE_CACHE_LIMIT = 200_000
/** Longer pieces (texts without spaces, such as Chinese) are segmented each time, not kept. */
const PIECE_CACHE_LENGTH = 200

/** Splits a text into words in its language (BCP 47 tag, or null when unknown). */
export function analyze(text: string, language: string | null | undefined): Analysis {
  const lang = primaryLanguage(language)
  const folded = fold(text)
  const words: Word[] = []
  // The text is cut at the spaces where a word boundary falls whatever the text around (see
  // pieceEnd), and each piece is segmented once per language: comments share most of their words
  // and phrases, and the segmenter is the costliest step of the analysis (segmentPieces).
  const pieces: Piece[] = []
  let missing = false
  for (let start = 0; start < folded.length; ) {
    const end = pieceEnd(folded, start)
    const known = end - start <= PIECE_CACHE_LENGTH ? pieceCache.get(`${lang}\u0000${folded.slice(start, end)}`) : undefined
    if (!known) missing = true
    pieces.push({ start, end, words: known })
    start = end + 1
  }
  if (missing) segmentPieces(folded, lang, pieces)
  for (const piece of pieces) for (const w of piece.words!) words.push(w)
  return { language: lang, words, loose: stripMarks(folded) }
}

type Piece = { start: number; end: number; words: readonly Word[] | undefined }

/**
 * Gives the pieces not known yet their words, and keeps those of short pieces: one call of the
 * segmenter over the stretch of text from the first unknown piece to the last (pieces end at
 * boundaries that hold whatever the text around, so a stretch of pieces segments as they do in the
 * whole text), its words shared out by their offsets.
 */
function segmentPieces(folded: string, lang: string, pieces: Piece[]) {
  let first = 0
  while (pieces[first]!.words) first++
  let last = pieces.length - 1
  while (pieces[last]!.words) last--
  const from = pieces[first]!.start
  const found = pieces.map((): Word[] => [])
  let at = first
  for (const segment of segmenter(lang).segment(folded.slice(from, pieces[last]!.end))) {
    if (!segment.isWordLike) continue
    // A word lies inside one piece.
    while (pieces[at]!.end <= from + segment.index) at++
    pushWords(found[at]!, segment.segment, lang)
  }
  for (let i = first; i <= last; i++) {
    const piece = pieces[i]!
    if (piece.words) continue
    piece.words = found[i]!
    if (piece.end - piece.start > PIECE_CACHE_LENGTH) continue
    if (pieceCache.size >= PIECE_CACHE_LIMIT) pieceCache.clear()
    pieceCache.set(`${lang}\u0000${folded.slice(piece.start, piece.end)}`, piece.words)
  }
}

/**
 * Where the piece of text from `start` ends: at the next ASCII space that is a word boundary on both
 * of its sides by every rule of Unicode's word segmentation (UAX #29), so that segmenting the pieces
 * one by one gives the words of the whole: not after another space (WB3d keeps runs of spaces
 * together), nor before a space, a line break, or a character that attaches to the one before it
 * (WB4: marks, format characters, joiners). Dictionary segmentation (Chinese, Thai…) works on runs
 * of its own scripts, which a space ends. The text's end when there is no such space.
 */
function pieceEnd(text: string, start: number): number {
  for (let i = text.indexOf(' ', start); i !== -1; i = text.indexOf(' ', i + 1)) {
    if (i === start || i + 1 >= text.length) continue
    if (SPACE_BEFORE.test(text[i - 1]!)) continue
    const next = text.codePointAt(i + 1)!
    if (next < 0x80 ? ASCII_WORD_START.test(text[i + 1]!) : !ATTACHES.test(String.fromCodePoint(next))) return i
  }
  return text.length
}
const SPACE_BEFORE = /\s/u
const ASCII_WORD_START = /[!-~]/
/** Characters that are spaces, line breaks or join the character before them (Extend, Format, ZWJ of UAX #29), and any unassigned one. */
const ATTACHES = /[\s\p{M}\p{Cf}\p{Cn}\p{Sk}\p{Lm}\u200c\u200d]/u

/** The words of a text as the segmenter cuts the whole of it, without pieces or caches: what `analyze` must equal (tests). */
export function analyzeWhole(text: string, language: string | null | undefined): Analysis {
  const lang = primaryLanguage(language)
  const folded = fold(text)
  const words: Word[] = []
  for (const segment of segmenter(lang).segment(folded)) {
    if (!segment.isWordLike) continue
    pushWords(words, segment.segment, lang)
  }
  return { language: lang, words, loose: stripMarks(folded) }
}

/** The words of one segment: an elided article ("l'", "d'") apart from the word it precedes. */
function pushWords(words: Word[], segment: string, lang: string) {
  let form = segment
  const elided = ELIDING_LANGUAGES.has(lang) ? ELISION.exec(form) : null
  if (elided) {
    const article = elided[0]
    words.push(word(article.slice(0, -1), lang))
    form = form.slice(article.length)
  }
  words.push(word(form, lang))
}

/** Analysed words by language and form; words are immutable, so they can be shared. */
const wordCache = new Map<string, Word>()
const WORD_CACHE_LIMIT = 200_000

function word(form: string, language: string): Word {
  const cacheKey = `${language}\u0000${form}`
  let w = wordCache.get(cacheKey)
  if (w) return w
  const stops = stopSet(language)
  const stemmer = STEMMERS[language]
  const loose = stripMarks(form)
  w = Object.freeze({
    form,
    loose,
    stem: stemmer ? stripMarks(stemmer(form)) : loose,
    stop: stops ? stops.has(form) || stops.has(loose) : false,
  })
  if (wordCache.size >= WORD_CACHE_LIMIT) wordCache.clear()
  wordCache.set(cacheKey, w)
  return w
}

/**
 * The features of a text for the suggestion model: stems of the words that are not stop words and
 * not bare numbers, and character bigrams of runs of scripts written without spaces.
 */
export function tokenize(text: string, language: string | null | undefined): string[] {
  return features(analyze(text, language))
}

export function features(analysis: Analysis): string[] {
  const tokens: string[] = []
  for (const word of analysis.words) {
    if (word.stop || /^\p{N}+$/u.test(word.loose)) continue
    if (word.stem.length < 2 && !UNSPACED.test(word.stem)) continue
    tokens.push(word.stem)
  }
  for (const match of analysis.loose.matchAll(UNSPACED_RUN)) {
    const run = match[0]
    for (let i = 0; i + 1 < run.length; i++) tokens.push(`${run[i]}${run[i + 1]}`)
  }
  return tokens
}
