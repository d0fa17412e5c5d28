/**
 * What reaches the terminal. A server chooses much of what the CLI prints (user ids, device names,
 * IPs, error texts); a control character among it would be obeyed by the terminal — move the
 * cursor, rewrite the window title, hide a line — and a bidirectional override would make text read
 * differently from what it is. The matrix layer bounds and cleans that text where it enters; this
 * is the last line: every byte the CLI writes for a person goes through `forTerminal`, and JSON
 * keeps such characters as \u escapes, so values survive for scripts and nothing is obeyed.
 */
import { Writable } from 'node:stream'

// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g
const UNSAFE_IN_JSON = /[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g

/** Text with every control character except newline and tab shown as �. */
export function forTerminal(text: string): string {
  return text.replace(UNSAFE, '\uFFFD')
}

/** JSON text (JSON.stringify already escapes C0) with C1, separators and bidi controls escaped too. */
export function jsonForTerminal(json: string): string {
  return json.replace(UNSAFE_IN_JSON, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

/** A stream that writes to `target` what `forTerminal` leaves of each chunk, synchronously. */
export function terminalStream(target: Writable): Writable {
  return new Writable({
    decodeStrings: false,
    write(chunk: string | Buffer, _encoding, done) {
      target.write(forTerminal(typeof chunk === 'string' ? chunk : chunk.toString('utf8')))
      done()
    },
  })
}
