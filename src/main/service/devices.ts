/**
 * An account's devices: list, rename, sign out. Signing out goes in chunks of POST
 * /delete_devices, with one answer from the person for the whole batch: their password is
 * reused for each chunk's User-Interactive Authentication (servers spend a completed UIA session
 * on one request, as Synapse does by default). A browser confirmation cannot be reused that way,
 * so with SSO the batch goes in a single request and the person confirms once.
 */
import { accountManagementUrl, hostOf, type MatrixClient } from '../matrix'
import type { AccountRecord } from '../accounts'
import type { CallArgs, CallResult, Device } from '../../shared/contract'
import { ContractError } from '../../shared/errors'
import { browserConfirmation, recordOf, type ServiceContext } from './context'
import { mapErrors, toContractError } from './errors'
import { lookAtDevices } from './insights'

export async function listDevices(ctx: ServiceContext, args: CallArgs<'listDevices'>): Promise<Device[]> {
  const record = await recordOf(ctx, args.accountId)
  const client = await ctx.pool.client(record)
  return refreshList(ctx, record, client)
}

export async function renameDevice(ctx: ServiceContext, args: CallArgs<'renameDevice'>): Promise<Device> {
  const record = await recordOf(ctx, args.accountId)
  const client = await ctx.pool.client(record)
  await mapErrors(() => client.updateDevice(args.deviceId, { displayName: args.displayName }), { server: record.serverName })
  const devices = await refreshList(ctx, record, client).catch(() => null)
  return (
    devices?.find((d) => d.deviceId === args.deviceId) ?? {
      deviceId: args.deviceId,
      displayName: args.displayName,
      current: args.deviceId === record.deviceId,
    }
  )
}

export async function signOutDevices(ctx: ServiceContext, args: CallArgs<'signOutDevices'>): Promise<CallResult<'signOutDevices'>> {
  const record = await recordOf(ctx, args.accountId)
  const ids = [...new Set(args.deviceIds)]
  if (ids.includes(record.deviceId)) {
    throw new ContractError({
      code: 'invalid-argument',
      message: `${record.deviceId} is the session Latchkey itself uses for ${record.userId}; sign it out with Log out instead. Nothing was signed out.`,
    })
  }
  const page = accountPageFor(record, ids)
  if (page !== null) {
    // Such servers end devices on their own page (spec: OAuth 2.0 aware clients MUST deep link):
    // the person does it there, and the list is read again when they come back.
    if (page === undefined) {
      throw new ContractError({ code: 'unsupported', message: `${record.serverName} signs devices out on its own account page; open it from the server's website.` })
    }
    try {
      await ctx.openExternal(page)
    } catch {
      throw new ContractError({ code: 'internal', message: 'Latchkey could not open your browser at the account page.' })
    }
    return { signedOut: [], openedInBrowser: page }
  }
  const client = await ctx.pool.client(record)
  const total = ids.length
  const signedOut: string[] = []
  const progress = (): void =>
    ctx.events.emit('progress', {
      operation: 'signOutDevices',
      ...(args.operationId ? { operationId: args.operationId } : {}),
      accountId: record.id,
      done: signedOut.length,
      total,
    })
  progress()
  try {
    if (args.auth?.type === 'sso') {
      await client.deleteDevices(ids, { stages: browserConfirmation(ctx) })
      signedOut.push(...ids)
      progress()
    } else {
      const uia = args.auth?.type === 'password' ? { password: args.auth.password } : {}
      for (let i = 0; i < ids.length; i += ctx.tuning.deleteChunkSize) {
        const chunk = ids.slice(i, i + ctx.tuning.deleteChunkSize)
        await client.deleteDevices(chunk, uia)
        signedOut.push(...chunk)
        progress()
      }
    }
  } catch (error) {
    const mapped = toContractError(error, { server: record.serverName, passwordHost: hostOf(record.homeserverUrl) })
    if (signedOut.length > 0) await refreshList(ctx, record, client).catch(() => null)
    if (signedOut.length === 0) throw mapped
    throw new ContractError({
      ...mapped.toData(),
      message: `Signed out ${signedOut.length} of ${total} devices, then: ${mapped.message}`,
    })
  }
  await refreshList(ctx, record, client).catch(() => null)
  return { signedOut }
}

/**
 * The devices as the contract shows them (this session first, then the most recently seen), with
 * what each is, whether it is verified and whether it is new (see insights.ts); emits devicesChanged.
 */
async function refreshList(ctx: ServiceContext, record: AccountRecord, client: MatrixClient): Promise<Device[]> {
  return (await lookAtDevices(ctx, record, client)).devices
}

/**
 * The account page to open instead of signing devices out here: the device's own page for one
 * (org.matrix.device_delete), the device list for several; undefined when the account is such but
 * has no page on record; null for accounts whose server signs devices out through the client API.
 */
function accountPageFor(record: AccountRecord, ids: readonly string[]): string | undefined | null {
  if (record.authApi !== 'oauth' && !record.accountManagement) return null
  const page = record.accountManagement
  if (!page) return undefined
  const metadata = { accountManagementUri: page.url, ...(page.actions.length > 0 ? { accountManagementActionsSupported: page.actions } : {}) }
  return ids.length === 1 ? accountManagementUrl(metadata, 'org.matrix.device_delete', ids[0]) : accountManagementUrl(metadata, 'org.matrix.devices_list')
}
