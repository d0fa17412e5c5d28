import { defineEndpoint, SPEC } from '../endpoint'
import { ShapeError } from '../validate'

export interface ThumbnailParams {
  serverName: string
  mediaId: string
  width: number
  height: number
  method?: 'crop' | 'scale'
  animated?: boolean
}

export interface Thumbnail {
  bytes: Uint8Array
  contentType: string
}

/**
 * Download a thumbnail of content from the content repository (authenticated media, v1.11).
 * Avatars only; older servers that predate v1.11 usually answer this path too.
 */
export const thumbnail = defineEndpoint({
  name: 'thumbnail',
  summary: 'Download a thumbnail of content from the content repository',
  spec: `${SPEC}#get_matrixclientv1mediathumbnailservernamemediaid`,
  label: 'the picture request',
  method: 'GET',
  history: {
    stable: { '1.11': '/_matrix/client/v1/media/thumbnail/{serverName}/{mediaId}' },
    unstable: { feature: 'org.matrix.msc3916', path: '/_matrix/client/unstable/org.matrix.msc3916/media/thumbnail/{serverName}/{mediaId}' },
  },
  auth: 'required',
  rateLimited: true,
  sentences: { M_NOT_FOUND: '{host} has no such picture.', unsupported: '{host} does not offer authenticated media.' },
  // 307/308 to a CDN is allowed; the transport drops the token when the redirect leaves the origin.
  followRedirects: true,
  request: (p: ThumbnailParams) => ({
    path: { serverName: p.serverName, mediaId: p.mediaId },
    query: { width: p.width, height: p.height, method: p.method, animated: p.animated },
  }),
  response: {
    kind: 'bytes',
    parse: (bytes, contentType): Thumbnail => {
      const type = contentType.split(';')[0]?.trim().toLowerCase() ?? ''
      if (!type.startsWith('image/')) throw new ShapeError('Content-Type', 'expected an image')
      if (bytes.byteLength === 0) throw new ShapeError('', 'expected image bytes, found none')
      return { bytes, contentType: type }
    },
  },
})
