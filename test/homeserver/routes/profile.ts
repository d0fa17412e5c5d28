import type { RequestContext, Route } from '../context'
import { fail, matrixError, ok, type Reply } from '../reply'
import { solidPng } from '../png'

// Profiles and avatar thumbnails (spec: "GET /profile/{userId}", "GET /_matrix/client/v1/media/thumbnail").

function profile(ctx: RequestContext): Reply {
  const user = ctx.hs.state.findUser(ctx.params['userId'] ?? '')
  if (!user) return matrixError(404, 'M_NOT_FOUND', 'Profile not found.')
  const body: Record<string, unknown> = {}
  if (user.displayName !== undefined) body['displayname'] = user.displayName
  if (user.avatarMxc !== undefined) body['avatar_url'] = user.avatarMxc
  return ok(body)
}

function dimension(ctx: RequestContext, name: string): number {
  const raw = ctx.query.get(name)
  if (raw === null) fail(400, 'M_MISSING_PARAM', `"${name}" is required.`)
  const value = Number(raw)
  if (!Number.isInteger(value) || value <= 0) fail(400, 'M_INVALID_PARAM', `"${name}" must be a positive integer.`)
  return value
}

function thumbnail(ctx: RequestContext): Reply {
  const width = dimension(ctx, 'width')
  const height = dimension(ctx, 'height')
  const mxc = `mxc://${ctx.params['serverName']}/${ctx.params['mediaId']}`
  if (!ctx.hs.state.media.has(mxc)) return matrixError(404, 'M_NOT_FOUND', 'Media not found.')
  return { kind: 'png', status: 200, bytes: solidPng(mxc, Math.min(Math.max(width, height), 96)) }
}

export const profileRoutes: Route[] = [
  { endpoint: 'profile', method: 'GET', space: 'client', path: '/profile/:userId', auth: 'optional', body: 'none', handle: profile },
  { endpoint: 'thumbnail', method: 'GET', space: 'client-v1', path: '/media/thumbnail/:serverName/:mediaId', auth: 'required', body: 'none', handle: thumbnail },
  // Servers that predate authenticated media (r0-only mode) serve thumbnails without a token.
  { endpoint: 'thumbnail', method: 'GET', space: 'media-legacy', path: '/thumbnail/:serverName/:mediaId', auth: 'none', body: 'none', handle: thumbnail },
]
