/**
 * Avatars as data: URLs, so the renderer shows a picture without ever holding a token (the
 * thumbnail endpoint is authenticated media). Kept in memory by mxc URI: a picture never changes
 * under the same URI.
 */
import type { CallArgs } from '../../shared/contract'
import { recordOf, type ServiceContext } from './context'
import { mapErrors } from './errors'

/** Types an <img> shows without running anything: no SVG. */
const SAFE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp'])
const SIZE = 96

export class AvatarCache {
  readonly #cache = new Map<string, string | null>()

  constructor(private readonly ctx: ServiceContext) {}

  async avatar(args: CallArgs<'avatar'>): Promise<string | null> {
    const record = await recordOf(this.ctx, args.accountId)
    const mxc = record.avatarUrl
    if (mxc === undefined) return null
    const cached = this.#cache.get(mxc)
    if (cached !== undefined) {
      // Most recently used last, so the oldest is the first to go.
      this.#cache.delete(mxc)
      this.#cache.set(mxc, cached)
      return cached
    }
    const client = await this.ctx.pool.client(record)
    const picture = await mapErrors(() => client.thumbnail(mxc, { width: SIZE, height: SIZE, method: 'crop' }), {
      server: record.serverName,
    })
    const url = SAFE_TYPES.has(picture.contentType)
      ? `data:${picture.contentType};base64,${Buffer.from(picture.bytes).toString('base64')}`
      : null
    this.#cache.set(mxc, url)
    while (this.#cache.size > this.ctx.tuning.avatarCacheSize) {
      const oldest = this.#cache.keys().next().value
      if (oldest === undefined) break
      this.#cache.delete(oldest)
    }
    return url
  }
}
