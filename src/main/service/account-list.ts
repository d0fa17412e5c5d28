/** The account list itself: read it, choose the active account, order, labels. */
import { relabelAccount, reorderAccounts, setActiveAccount } from '../accounts'
import type { Account, AccountsSnapshot, CallArgs } from '../../shared/contract'
import { toAccount } from './accounts-view'
import { commit, readSnapshot, snapshotOf, type ServiceContext } from './context'

export async function listAccounts(ctx: ServiceContext): Promise<AccountsSnapshot> {
  return snapshotOf(ctx, await readSnapshot(ctx))
}

export async function setActive(ctx: ServiceContext, args: CallArgs<'setActive'>): Promise<AccountsSnapshot> {
  return (await commit(ctx, (draft) => setActiveAccount(draft, args.accountId))).snapshot
}

export async function reorder(ctx: ServiceContext, args: CallArgs<'reorder'>): Promise<AccountsSnapshot> {
  return (await commit(ctx, (draft) => reorderAccounts(draft, args.accountIds))).snapshot
}

/**
 * A label or colour left out stays as it is; an empty (or blank) label removes the label. A colour
 * cannot be removed by this call, only replaced (the contract allows only #rrggbb).
 */
export async function relabel(ctx: ServiceContext, args: CallArgs<'relabel'>): Promise<Account> {
  const { result } = await commit(ctx, (draft) =>
    relabelAccount(draft, args.accountId, {
      ...(args.label === undefined ? {} : { label: args.label }),
      ...(args.color === undefined ? {} : { color: args.color }),
    }),
  )
  return toAccount(result)
}
