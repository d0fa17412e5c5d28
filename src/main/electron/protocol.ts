import { net, protocol } from 'electron'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { APP_SCHEME, CONTENT_SECURITY_POLICY, resolveBundlePath } from './policy'

/**
 * Serves the built renderer from `latchkey-app://bundle/` instead of file://, so the page has an
 * origin of its own (the IPC sender check and the CSP rest on it) and file:// keeps no extra
 * privileges (the GrantFileProtocolExtraPrivileges fuse is off in release builds).
 */
export function registerBundleProtocol(): void {
  const rendererDir = join(import.meta.dirname, '../renderer')
  protocol.handle(APP_SCHEME, async (request) => {
    const file = resolveBundlePath(request.url, rendererDir)
    if (!file) return new Response('Not found', { status: 404 })
    const response = await net.fetch(pathToFileURL(file).href)
    const headers = new Headers(response.headers)
    headers.set('Content-Security-Policy', CONTENT_SECURITY_POLICY)
    headers.set('X-Content-Type-Options', 'nosniff')
    return new Response(response.body, { status: response.status, headers })
  })
}
