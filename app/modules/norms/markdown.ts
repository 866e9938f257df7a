import type { Nodes, RootContent } from 'mdast'
import { fromMarkdown } from 'mdast-util-from-markdown'
import { gfmTableFromMarkdown } from 'mdast-util-gfm-table'
import { gfmTable } from 'micromark-extension-gfm-table'

export type DraftClause = { label: string; heading: string | null; text: string }
export type Draft = { title: string; preamble: string; clauses: DraftClause[] }
export type DraftError = { line: number; key: string; values?: Record<string, string | number> }

/** "1.", "12.", "2.a.", "2.a)", "3)" at the start of a paragraph; the label drops the final mark. */
const CLAUSE_START = /^(\d{1,3}(?:\.[a-z]{1,2}|\.\d{1,3})*)[.)](?:\s+|$)/

export const MAX_CLAUSES = 500
export const MAX_CLAUSE_LENGTH = 20_000
/** As the draft editor allows (norms.schema.ts), so an imported draft can be edited and saved. */
export const MAX_TITLE_LENGTH = 300
export const MAX_HEADING_LENGTH = 300
export const MAX_PREAMBLE_LENGTH = 20_000

/**
 * Reads a draft norm written in Concord's Markdown format (see DESIGN.md): a level-1 heading for the
 * title, paragraphs before the first clause for the preamble, level-2 headings over groups of clauses,
 * and clauses as paragraphs that begin with their number. The block structure comes from mdast;
 * each block's own source text is kept, so inline Markdown in a clause stays as the author wrote it.
 * Errors name the line they are on.
 */
export function parseDraftMarkdown(source: string): { ok: true; draft: Draft } | { ok: false; errors: DraftError[] } {
  const text = source.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n')
  // Tables are recognised (GFM) only so that they can be refused with their line.
  const tree = fromMarkdown(text, { extensions: [gfmTable()], mdastExtensions: [gfmTableFromMarkdown()] })
  const errors: DraftError[] = []
  let title: string | null = null
  const preamble: string[] = []
  const clauses: DraftClause[] = []
  const seen = new Map<string, number>()
  let heading: string | null = null
  let headingPending = false
  let preambleLine = 1

  const raw = (node: Nodes) => text.slice(node.position!.start.offset!, node.position!.end.offset!)
  const line = (node: Nodes) => node.position!.start.line

  function addParagraph(body: string, at: number) {
    const flat = body
      .split('\n')
      .map((part) => part.trim())
      .join(' ')
      .trim()
    const match = CLAUSE_START.exec(flat)
    if (!match) {
      if (clauses.length === 0) {
        if (!preamble.length) preambleLine = at
        preamble.push(flat)
      }
      else errors.push({ line: at, key: 'markdown.notAClause' })
      return
    }
    const label = match[1]!
    const clauseText = flat.slice(match[0].length).trim()
    if (!clauseText) errors.push({ line: at, key: 'markdown.emptyClause', values: { label } })
    else if (clauseText.length > MAX_CLAUSE_LENGTH) errors.push({ line: at, key: 'markdown.clauseTooLong', values: { label } })
    const first = seen.get(label)
    if (first !== undefined) {
      errors.push({ line: at, key: 'markdown.duplicateLabel', values: { label, first } })
      return
    }
    seen.set(label, at)
    clauses.push({ label, heading: headingPending ? heading : null, text: clauseText })
    headingPending = false
  }

  function visit(node: RootContent) {
    switch (node.type) {
      case 'heading': {
        const content = raw(node).replace(/^#+\s*/, '').replace(/\s*#*\s*$/, '').trim()
        if (node.depth === 1) {
          if (title !== null) errors.push({ line: line(node), key: 'markdown.secondTitle' })
          else if (clauses.length || preamble.length) errors.push({ line: line(node), key: 'markdown.titleNotFirst' })
          else {
            title = content
            // "#" alone: a title line without a title.
            if (!content) errors.push({ line: line(node), key: 'markdown.missingTitle' })
            else if (content.length > MAX_TITLE_LENGTH) {
              errors.push({ line: line(node), key: 'markdown.titleTooLong', values: { max: MAX_TITLE_LENGTH } })
            }
          }
        } else if (node.depth === 2) {
          if (title === null) errors.push({ line: line(node), key: 'markdown.missingTitle' })
          if (content.length > MAX_HEADING_LENGTH) {
            errors.push({ line: line(node), key: 'markdown.headingTooLong', values: { max: MAX_HEADING_LENGTH } })
          }
          heading = content
          headingPending = true
        } else {
          errors.push({ line: line(node), key: 'markdown.headingTooDeep' })
        }
        return
      }
      case 'paragraph':
        if (title === null) errors.push({ line: line(node), key: 'markdown.missingTitle' })
        addParagraph(raw(node), line(node))
        return
      case 'list':
        // "1. text" is a Markdown list item; each item is one clause, numbered as written.
        for (const item of node.children) addParagraph(raw(item), line(item))
        return
      case 'html':
      case 'code':
      case 'table':
      case 'blockquote':
      case 'thematicBreak':
      case 'definition':
        errors.push({ line: line(node), key: 'markdown.unsupported' })
        return
      default:
        return
    }
  }

  for (const node of tree.children) visit(node)
  if (title === null && !errors.some((error) => error.key === 'markdown.missingTitle')) {
    errors.push({ line: 1, key: 'markdown.missingTitle' })
  }
  if (title !== null && clauses.length === 0) errors.push({ line: text.split('\n').length, key: 'markdown.noClauses' })
  if (clauses.length > MAX_CLAUSES) errors.push({ line: 1, key: 'markdown.tooManyClauses', values: { max: MAX_CLAUSES } })
  if (preamble.join('\n\n').length > MAX_PREAMBLE_LENGTH) {
    errors.push({ line: preambleLine, key: 'markdown.preambleTooLong', values: { max: MAX_PREAMBLE_LENGTH } })
  }
  if (errors.length) return { ok: false, errors: errors.sort((a, b) => a.line - b.line) }
  return { ok: true, draft: { title: title!, preamble: preamble.join('\n\n'), clauses } }
}
