import { PassThrough, type Transform } from 'node:stream'
import { renderToPipeableStream } from 'react-dom/server'
import { createRenderStream } from './react-stream.server'

/** Many short paragraphs of Arabic: some character falls on the end of React's 2,048-byte buffer. */
const PARAGRAPHS = Array.from({ length: 300 }, (_, index) => `${'ي'.repeat((index % 7) + 1)} جميع الدول 各国 государства`)

function render(body: Transform) {
  return new Promise<Buffer>((resolve, reject) => {
    const parts: Buffer[] = []
    body.on('data', (chunk: Buffer) => parts.push(chunk))
    body.on('end', () => resolve(Buffer.concat(parts)))
    const { pipe } = renderToPipeableStream(
      <div>
        {PARAGRAPHS.map((text, index) => (
          <p key={index}>{text}</p>
        ))}
      </div>,
      { onAllReady: () => pipe(body), onError: reject },
    )
  })
}

const paragraphsOf = (html: Buffer) => [...html.toString('utf8').matchAll(/<p>(.*?)<\/p>/g)].map((match) => match[1])

describe('createRenderStream', () => {
  it('is needed: React 18 alone pads a buffer with NUL bytes inside multi-byte text', async () => {
    const html = await render(new PassThrough())
    expect(html.includes(0)).toBe(true)
    expect(paragraphsOf(html)).not.toEqual(PARAGRAPHS)
  })

  it('passes every character through exactly, and no NUL byte', async () => {
    const html = await render(createRenderStream())
    expect(html.includes(0)).toBe(false)
    expect(paragraphsOf(html)).toEqual(PARAGRAPHS)
  })
})
