import type { Plugin } from 'vite'

/**
 * jsQR carries a 7,000-entry Shift JIS table for QR codes in Kanji mode: two thirds of its size.
 * The codes Latchkey reads hold `latchkey://login?...` URIs (byte mode), so the table is emptied
 * at build time; the decoder itself is unchanged. Keeps the renderer inside its 100 kB budget.
 */
export function trimJsQr(): Plugin {
  return {
    name: 'latchkey:trim-jsqr',
    enforce: 'pre',
    transform(code, id) {
      if (!/[\\/]jsqr[\\/]dist[\\/]jsQR\.js$/.test(id)) return null
      const trimmed = code.replace(/exports\.shiftJISTable = \{[^}]*\};/, 'exports.shiftJISTable = {};')
      if (trimmed === code) this.warn('jsQR changed shape: its Shift JIS table was not trimmed.')
      return { code: trimmed, map: null }
    },
  }
}
