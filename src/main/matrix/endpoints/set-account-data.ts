import { defineEndpoint, r0AndV3, SPEC } from '../endpoint'
import { jsonObject } from '../validate'

/**
 * Set some account data for the user. There is no delete: a client "removes" its data by
 * writing `{}`, as Element does for its client information.
 */
export const setAccountData = defineEndpoint({
  name: 'setAccountData',
  summary: 'Set some account data for the user.',
  spec: `${SPEC}#put_matrixclientv3useruseridaccount_datatype`,
  label: 'the account data update',
  method: 'PUT',
  history: r0AndV3('/user/{userId}/account_data/{type}'),
  auth: 'required',
  rateLimited: false,
  sentences: { M_FORBIDDEN: '{host} did not let Latchkey write this account data.' },
  request: (p: { userId: string; type: string; content: Readonly<Record<string, unknown>> }) => ({
    path: { userId: p.userId, type: p.type },
    body: p.content,
  }),
  response: { kind: 'json', parse: (body): void => void jsonObject(body, '') },
})
