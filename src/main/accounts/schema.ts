/**
 * The layout of `accounts.json`, schema version 1. Metadata only: no token, password or secret of
 * any kind belongs here (those live in the SecretStore).
 *
 * Unknown keys are tolerated on read and dropped (zod strips them), so a file touched by hand or
 * by a slightly different build still loads. A build that adds fields bumps `version`, and older
 * builds refuse to write a file whose version is newer than theirs (see `migrations.ts`), so no
 * build silently drops fields it does not know.
 */
import { z } from 'zod'

export const CURRENT_VERSION = 1

export const ACCOUNT_STATUSES = [
  'active',
  'soft-logged-out',
  'logged-out',
  'locked',
  'unreachable',
  'pending-logout',
] as const

export const accountStatusSchema = z.enum(ACCOUNT_STATUSES)
export type AccountStatus = z.infer<typeof accountStatusSchema>

export const authApiSchema = z.enum(['legacy', 'oauth'])
export type AuthApi = z.infer<typeof authApiSchema>

export const ACCOUNT_ID_PATTERN = /^acc_[0-9a-f]{16}$/

const isoTime = z.iso.datetime({ offset: true })

export const accountRecordSchema = z.object({
  /** Stable and random ('acc_' + 16 hex); never derived from the user id, which may repeat. */
  id: z.string().regex(ACCOUNT_ID_PATTERN),
  userId: z.string().regex(/^@[^:]+:.+$/, 'a Matrix user id looks like @name:server'),
  homeserverUrl: z.url({ protocol: /^https?$/ }),
  serverName: z.string().min(1).max(255),
  deviceId: z.string().min(1).max(255),
  displayName: z.string().max(255).optional(),
  avatarUrl: z
    .string()
    .regex(/^mxc:\/\/[^/]+\/.+$/, 'an avatar is an mxc:// URI')
    .optional(),
  authApi: authApiSchema,
  label: z.string().max(64).optional(),
  /** `#rrggbb` only: a value the renderer can paint without interpreting CSS. */
  color: z
    .string()
    .regex(/^#[0-9a-fA-F]{6}$/, 'a colour is #rrggbb')
    .optional(),
  /** Position in the account list, 0-based and dense after every write. */
  order: z.number().int().nonnegative(),
  addedAt: isoTime,
  lastCheckedAt: isoTime.optional(),
  status: accountStatusSchema,
  statusMessage: z.string().max(1000).optional(),
})
export type AccountRecord = z.infer<typeof accountRecordSchema>

export const registrySnapshotSchema = z
  .object({
    version: z.literal(CURRENT_VERSION),
    activeId: z.string().nullable(),
    accounts: z.array(accountRecordSchema),
  })
  .superRefine((file, ctx) => {
    const ids = new Set<string>()
    const sessions = new Set<string>()
    file.accounts.forEach((account, index) => {
      if (ids.has(account.id)) {
        ctx.addIssue({ code: 'custom', path: ['accounts', index, 'id'], message: `the id ${account.id} appears twice` })
      }
      ids.add(account.id)
      // The keychain entry is keyed by user id and device id, so two records with the same pair
      // would share (and overwrite) one secret.
      const session = `${account.userId}|${account.deviceId}`
      if (sessions.has(session)) {
        ctx.addIssue({
          code: 'custom',
          path: ['accounts', index],
          message: `${account.userId} on device ${account.deviceId} appears twice`,
        })
      }
      sessions.add(session)
    })
    if (file.activeId !== null && !ids.has(file.activeId)) {
      ctx.addIssue({ code: 'custom', path: ['activeId'], message: 'the active account is not in the list' })
    }
  })

/** The whole of `accounts.json`: what `read()` answers and what `update()` hands out as a draft. */
export type RegistrySnapshot = z.infer<typeof registrySnapshotSchema>

export function emptySnapshot(): RegistrySnapshot {
  return { version: CURRENT_VERSION, activeId: null, accounts: [] }
}

/** One line per problem, naming where it is: "accounts.0.userId: a Matrix user id looks like …". */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ')
}
