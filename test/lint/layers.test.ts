import { ESLint } from 'eslint'
import { describe, expect, it } from 'vitest'

/**
 * The layering rules of eslint.config.js, shown to fail on deliberate violations: each case lints
 * a small piece of code as if it lived at the given path.
 */
const eslint = new ESLint({ cwd: process.cwd() })

async function restrictedImports(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath })
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === '@typescript-eslint/no-restricted-imports')
    .map((m) => m.message)
}

describe('the layer rules', () => {
  it.each([
    ['src/main/matrix/transport.ts', "import { AccountRegistry } from '../accounts/registry'"],
    ['src/main/matrix/endpoints/login.ts', "import { x } from '../../service/index'"],
    ['src/main/matrix/uia.ts', "import { ContractError } from '../../shared/errors'"],
    ['src/main/matrix/uia.ts', "import { app } from 'electron'"],
    ['src/main/accounts/registry.ts', "import { createSessionService } from '../service'"],
    ['src/main/service/index.ts', "import { registerIpc } from '../electron/ipc'"],
    ['src/main/service/index.ts', "import { shell } from 'electron'"],
    ['src/main/sso/listener.ts', "import { login } from '../auth/password'"],
    ['src/cli/latchkey.ts', "import { createMainWindow } from '../main/electron/window'"],
    ['src/shared/contract.ts', "import { x } from '../main/service'"],
    ['src/renderer/src/stores/accounts.ts', "import { createSessionService } from '../../../main/service'"],
    ['src/renderer/src/stores/accounts.ts', "import { readFile } from 'node:fs'"],
    ['src/renderer/src/stores/accounts.ts', "import { calls } from '../../../shared/contract'"],
    ['src/renderer/src/stores/accounts.ts', "import { z } from 'zod'"],
  ])('%s may not `%s`', async (filePath, code) => {
    expect(await restrictedImports(filePath, code)).toHaveLength(1)
  })

  it.each([
    ['src/main/accounts/registry.ts', "import { MatrixError } from '../matrix'"],
    ['src/main/service/index.ts', "import { AccountRegistry } from '../accounts/registry'"],
    ['src/main/electron/app.ts', "import { app } from 'electron'"],
    ['src/preload/index.ts', "import { contextBridge } from 'electron'"],
    ['src/cli/latchkey.ts', "import { createSessionService } from '../main/service'"],
    ['src/main/matrix/endpoints/login.ts', "import { endpoint } from '../endpoint'"],
    ['src/renderer/src/stores/accounts.ts', "import type { Account } from '../../../shared/contract'"],
    ['src/renderer/src/stores/accounts.ts', "import { ContractError } from '../../../shared/errors'"],
  ])('%s may `%s`', async (filePath, code) => {
    expect(await restrictedImports(filePath, code)).toEqual([])
  })
})
