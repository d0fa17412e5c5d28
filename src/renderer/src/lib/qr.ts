import QRCode from 'qrcode'

export interface QrPath {
  /** Modules plus the quiet zone on each side. */
  size: number
  /** One SVG path of the dark modules, runs merged per row. */
  d: string
}

const QUIET_ZONE = 4

/** Encodes text as a QR symbol drawn by one SVG path, so no canvas, inline script or URL is needed. */
export function qrPath(text: string): QrPath {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' })
  const n = modules.size
  let d = ''
  for (let y = 0; y < n; y++) {
    let x = 0
    while (x < n) {
      if (!modules.get(y, x)) {
        x++
        continue
      }
      let run = 1
      while (x + run < n && modules.get(y, x + run)) run++
      d += `M${x + QUIET_ZONE} ${y + QUIET_ZONE}h${run}v1h-${run}z`
      x += run
    }
  }
  return { size: n + 2 * QUIET_ZONE, d }
}

const MAX_SIDE = 1600

/** Reads a QR code out of a dropped or chosen image; null when the picture holds none. */
export async function decodeQrImage(file: Blob): Promise<string | null> {
  const [{ default: jsQR }, bitmap] = await Promise.all([import('jsqr'), createImageBitmap(file)])
  const scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height))
  const width = Math.max(1, Math.round(bitmap.width * scale))
  const height = Math.max(1, Math.round(bitmap.height * scale))
  const canvas = document.createElement('canvas')
  canvas.width = width
  canvas.height = height
  const context = canvas.getContext('2d', { willReadFrequently: true })
  if (!context) return null
  context.drawImage(bitmap, 0, 0, width, height)
  bitmap.close()
  const pixels = context.getImageData(0, 0, width, height)
  return jsQR(pixels.data, width, height, { inversionAttempts: 'attemptBoth' })?.data ?? null
}
