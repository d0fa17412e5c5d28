/**
 * Every command, in the order `latchkey --help` lists them. A command is one file in this folder
 * that exports `register`; adding a command is adding its file and one line here (its name as
 * typed: when the command line names a known command, only that one is registered, which keeps
 * commander's set-up out of every other command's start-up).
 */
import type { RegisterCommand } from '../command-kit'
import { register as accounts } from './accounts'
import { register as add } from './add'
import { register as check } from './check'
import { register as confirmIdentity } from './confirm-identity'
import { register as devices } from './devices'
import { register as discover } from './discover'
import { register as forget } from './forget'
import { register as loginToken } from './login-token'
import { register as logout } from './logout'
import { register as logoutAll } from './logout-all'
import { register as oauth } from './oauth'
import { register as relabel } from './relabel'
import { register as relogin } from './relogin'
import { register as renameDevice } from './rename-device'
import { register as review } from './review'
import { register as signOutDevices } from './sign-out-devices'
import { register as sso } from './sso'
import { register as switchAccount } from './switch'
import { register as token } from './token'

/** Each command's name (as typed) and the function that registers it, in the order of `--help`. */
export const COMMANDS: ReadonlyArray<readonly [name: string, register: RegisterCommand]> = [
  ['accounts', accounts],
  ['discover', discover],
  ['add', add],
  ['oauth', oauth],
  ['sso', sso],
  ['login-token', loginToken],
  ['switch', switchAccount],
  ['relabel', relabel],
  ['relogin', relogin],
  ['check', check],
  ['devices', devices],
  ['review', review],
  ['confirm-identity', confirmIdentity],
  ['rename-device', renameDevice],
  ['sign-out-devices', signOutDevices],
  ['token', token],
  ['logout', logout],
  ['logout-all', logoutAll],
  ['forget', forget],
]
