// another-json (Apache-2.0) ships no types. It is the canonical JSON encoder matrix-js-sdk uses:
// keys sorted, no insignificant whitespace, UTF-8 left as is.
declare module 'another-json' {
  export function stringify(value: unknown): string
}
