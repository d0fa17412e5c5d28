import { ContractError } from '../../src/shared/errors'

/** The ContractError a call rejected with (fails the test if it resolved or threw anything else). */
export async function failure(promise: Promise<unknown>): Promise<ContractError> {
  try {
    await promise
  } catch (error) {
    if (error instanceof ContractError) return error
    throw error
  }
  throw new Error('expected the call to fail')
}
