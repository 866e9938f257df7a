import { MAX_HEADING_LENGTH, MAX_PREAMBLE_LENGTH, MAX_TITLE_LENGTH, parseDraftMarkdown, type DraftError } from './markdown'

function parsed(source: string) {
  const result = parseDraftMarkdown(source)
  if (!result.ok) throw new Error(`expected a valid draft, got ${JSON.stringify(result.errors)}`)
  return result.draft
}

function errorsOf(source: string): DraftError[] {
  const result = parseDraftMarkdown(source)
  if (result.ok) throw new Error('expected errors, the draft was accepted')
  return result.errors
}

const lines = (...parts: string[]) => parts.join('\n')

describe('parseDraftMarkdown: good drafts', () => {
  it('reads the title, the preamble, headings and clauses', () => {
    const draft = parsed(
      lines(
        '# Norms of responsible behaviour',
        '',
        'The States gathered here,',
        'recalling their commitments,',
        '',
        'Agree as follows.',
        '',
        '## Cooperation',
        '',
        '1. States should cooperate.',
        '',
        '2. States should share information.',
        '',
        '## Incidents',
        '',
        '3. States should respond to requests for assistance.',
      ),
    )
    expect(draft.title).toBe('Norms of responsible behaviour')
    expect(draft.preamble).toBe('The States gathered here, recalling their commitments,\n\nAgree as follows.')
    expect(draft.clauses).toEqual([
      { label: '1', heading: 'Cooperation', text: 'States should cooperate.' },
      { label: '2', heading: null, text: 'States should share information.' },
      { label: '3', heading: 'Incidents', text: 'States should respond to requests for assistance.' },
    ])
  })

  it('reads sub-clauses numbered "2.a." and "2.a)", and multi-digit numbers', () => {
    const draft = parsed(
      lines(
        '# T',
        '',
        '2. Main clause.',
        '',
        '2.a. First sub-clause.',
        '',
        '2.b) Second sub-clause.',
        '',
        '12. Twelfth.',
      ),
    )
    expect(draft.clauses.map((clause) => clause.label)).toEqual(['2', '2.a', '2.b', '12'])
    expect(draft.clauses[1]!.text).toBe('First sub-clause.')
    expect(draft.clauses[2]!.text).toBe('Second sub-clause.')
  })

  it('joins a clause that runs over several lines, up to the blank line', () => {
    const draft = parsed(
      lines(
        '# T',
        '',
        '1. The text of clause 1, which may run',
        '   over several lines',
        '   until a blank line.',
        '',
        '2. Next.',
      ),
    )
    expect(draft.clauses[0]).toEqual({
      label: '1',
      heading: null,
      text: 'The text of clause 1, which may run over several lines until a blank line.',
    })
    expect(draft.clauses[1]!.text).toBe('Next.')
  })

  it('has an empty preamble when the first clause follows the title', () => {
    const draft = parsed(lines('# T', '', '1. Only clause.'))
    expect(draft.preamble).toBe('')
    expect(draft.clauses).toHaveLength(1)
  })

  it('ignores a byte-order mark and Windows line ends', () => {
    const draft = parsed('\uFEFF# Title\r\n\r\n1. One.\r\n\r\n2. Two.\r\n')
    expect(draft.title).toBe('Title')
    expect(draft.clauses.map((clause) => clause.text)).toEqual(['One.', 'Two.'])
  })

  it('keeps inline Markdown of a clause as written', () => {
    const draft = parsed(lines('# T', '', '1. States *should* respect [the Charter](https://un.org).'))
    expect(draft.clauses[0]!.text).toBe('States *should* respect [the Charter](https://un.org).')
  })
})

describe('parseDraftMarkdown: malformed drafts name the line', () => {
  it('refuses a draft with no title', () => {
    const errors = errorsOf(lines('Some preamble.', '', '1. A clause.'))
    expect(errors.map((error) => error.key)).toContain('markdown.missingTitle')
    expect(errors[0]).toMatchObject({ line: 1, key: 'markdown.missingTitle' })
  })

  it('refuses a heading before the title, on its line', () => {
    const errors = errorsOf(lines('', '', '## Heading', '', '# Title', '', '1. Clause.'))
    expect(errors).toContainEqual({ line: 3, key: 'markdown.missingTitle' })
  })

  it('refuses a duplicate label, naming both lines', () => {
    const errors = errorsOf(lines('# T', '', '1. First.', '', '2. Second.', '', '2. Second again.'))
    expect(errors).toEqual([{ line: 7, key: 'markdown.duplicateLabel', values: { label: '2', first: 5 } }])
  })

  it('refuses a paragraph after the clauses that is not a clause', () => {
    const errors = errorsOf(lines('# T', '', '1. A clause.', '', 'A stray paragraph.', '', '2. Another clause.'))
    expect(errors).toEqual([{ line: 5, key: 'markdown.notAClause' }])
  })

  it('refuses an empty clause on its line', () => {
    const errors = errorsOf(lines('# T', '', '1. A clause.', '', '2.a) ', '', '3. Third.'))
    expect(errors).toHaveLength(1)
    expect(errors[0]!.line).toBe(5)
  })

  it('names an empty clause as such, with its label', () => {
    const errors = errorsOf(lines('# T', '', '1. A clause.', '', '2.a) ', '', '3. Third.'))
    expect(errors).toEqual([{ line: 5, key: 'markdown.emptyClause', values: { label: '2.a' } }])
  })

  it('refuses a fenced code block on the line it starts', () => {
    const errors = errorsOf(lines('# T', '', '1. A clause.', '', '```', 'code', '```'))
    expect(errors).toEqual([{ line: 5, key: 'markdown.unsupported' }])
  })

  it('refuses a table after the clauses on the line it starts', () => {
    const errors = errorsOf(lines('# T', '', '1. A clause.', '', '', '| a | b |', '|---|---|', '| 1 | 2 |'))
    expect(errors).toEqual([{ line: 6, key: 'markdown.unsupported' }])
  })

  it('refuses a table in the preamble as unsupported', () => {
    const errors = errorsOf(lines('# T', '', '| a | b |', '|---|---|', '| 1 | 2 |', '', '1. A clause.'))
    expect(errors).toEqual([{ line: 3, key: 'markdown.unsupported' }])
  })

  it('refuses a second title and a heading deeper than level 2', () => {
    const errors = errorsOf(lines('# T', '', '1. A clause.', '', '# Another title', '', '### Too deep', '', '2. B.'))
    expect(errors).toEqual([
      { line: 5, key: 'markdown.secondTitle' },
      { line: 7, key: 'markdown.headingTooDeep' },
    ])
  })

  it('refuses a draft with a title but no clauses', () => {
    const errors = errorsOf(lines('# T', '', 'Only a preamble.'))
    expect(errors.map((error) => error.key)).toEqual(['markdown.noClauses'])
  })

  it('refuses a title line without a title, on its line', () => {
    expect(errorsOf(lines('', '#', '', '1. A clause.'))).toEqual([{ line: 2, key: 'markdown.missingTitle' }])
    expect(errorsOf(lines('#   ', '', '1. A clause.'))).toEqual([{ line: 1, key: 'markdown.missingTitle' }])
  })

  it('refuses a title, heading or preamble longer than the draft editor accepts', () => {
    expect(parsed(lines(`# ${'t'.repeat(MAX_TITLE_LENGTH)}`, '', `## ${'h'.repeat(MAX_HEADING_LENGTH)}`, '', '1. A.')).title).toHaveLength(MAX_TITLE_LENGTH)
    const errors = errorsOf(
      lines(`# ${'t'.repeat(MAX_TITLE_LENGTH + 1)}`, '', 'p'.repeat(MAX_PREAMBLE_LENGTH), '', 'More preamble.', '', `## ${'h'.repeat(MAX_HEADING_LENGTH + 1)}`, '', '1. A.'),
    )
    expect(errors).toEqual([
      { line: 1, key: 'markdown.titleTooLong', values: { max: MAX_TITLE_LENGTH } },
      { line: 3, key: 'markdown.preambleTooLong', values: { max: MAX_PREAMBLE_LENGTH } },
      { line: 7, key: 'markdown.headingTooLong', values: { max: MAX_HEADING_LENGTH } },
    ])
  })

  it('lists several errors in line order', () => {
    const errors = errorsOf(lines('# T', '', '1. One.', '', '1. Again.', '', '> quoted', '', 'stray'))
    expect(errors.map((error) => [error.line, error.key])).toEqual([
      [5, 'markdown.duplicateLabel'],
      [7, 'markdown.unsupported'],
      [9, 'markdown.notAClause'],
    ])
  })
})
