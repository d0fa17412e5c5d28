/**
 * Desktop notifications for new sign-ins (issue 11 §6). The service announces new devices
 * (its newDevices event); this shows each announcement through the system's notifications, and a
 * click brings the window forward with the device's details open (the openDevice event).
 */
import { Notification, type BrowserWindow } from 'electron'
import { newDeviceNotice } from '../service'
import { checkEvent } from '../../shared/bind'
import { ipcChannel } from '../../shared/channels'
import type { EventPayload } from '../../shared/contract'

export function notifyNewDevices(window: () => BrowserWindow | undefined, payload: EventPayload<'newDevices'>): void {
  const notice = newDeviceNotice(payload)
  if (!notice || !Notification.isSupported()) return
  const shown = new Notification({ title: notice.title, body: notice.body })
  shown.on('click', () => {
    const win = window()
    if (!win || win.isDestroyed()) return
    if (win.isMinimized()) win.restore()
    win.show()
    win.focus()
    win.webContents.send(ipcChannel('openDevice'), checkEvent('openDevice', { accountId: notice.accountId, deviceId: notice.deviceId }))
  })
  shown.show()
}
