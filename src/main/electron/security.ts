import { app, session, shell, type WebContents } from 'electron'
import { CONTENT_SECURITY_POLICY, type ExternalUrlAllowList, isWebUrl } from './policy'

/**
 * Everything a web page could ask of Electron is refused unless named here: no permissions, no
 * navigation, no new windows (links main offered open in the system browser), no webviews.
 */
export function hardenSessions(allowList: ExternalUrlAllowList): void {
  const ses = session.defaultSession
  ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false))
  ses.setPermissionCheckHandler(() => false)
  ses.setDevicePermissionHandler(() => false)
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: {
        ...details.responseHeaders,
        'Content-Security-Policy': [CONTENT_SECURITY_POLICY],
      },
    })
  })

  app.on('web-contents-created', (_event, contents: WebContents) => {
    contents.on('will-navigate', (event) => event.preventDefault())
    contents.on('will-redirect', (event) => event.preventDefault())
    contents.on('will-attach-webview', (event) => event.preventDefault())
    contents.setWindowOpenHandler(({ url }) => {
      if (allowList.allows(url)) void shell.openExternal(url)
      return { action: 'deny' }
    })
  })
}

/** The service's way to open the system browser: http(s) only, and each URL remembered. */
export function openExternalFor(allowList: ExternalUrlAllowList) {
  return async (url: string): Promise<void> => {
    if (!isWebUrl(url) || !allowList.offer(url)) {
      throw new Error('Latchkey opens only web pages in the browser.')
    }
    await shell.openExternal(url)
  }
}
