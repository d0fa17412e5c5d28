import { existsSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020'
import addFormats from 'ajv-formats'
import { parse as parseYaml } from 'yaml'
import { specDir } from './spec-dir'

// The Matrix spec's Client-Server OpenAPI files as a validator. The YAML is the truth; this file
// only finds the operation a concrete request hit, inlines the `$ref`s (across files too), and asks
// ajv (OpenAPI 3.1 schemas are JSON Schema 2020-12).

//
// Where the spec is comes from MATRIX_SPEC_DIR (a checkout of matrix-org/matrix-spec): a person's
// clone has no spec beside it, so without the setting every conformance check is skipped (see
// ./spec-dir.ts, which also fails the run when the setting points at something that is not a spec).
export const SPEC_ROOT = specDir() ?? ''
export const specAvailable = SPEC_ROOT !== ''
const CLIENT_SERVER_DIR = path.join(SPEC_ROOT, 'data', 'api', 'client-server')

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }
type JsonObject = { [key: string]: Json }

interface Operation {
  method: string
  template: string
  file: string
  regex: RegExp
  literalLength: number
  spec: JsonObject
}

const documents = new Map<string, Json | undefined>()

function loadDocument(file: string): Json | undefined {
  if (!documents.has(file)) documents.set(file, existsSync(file) ? (parseYaml(readFileSync(file, 'utf8')) as Json) : undefined)
  return documents.get(file)
}

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function pointerInto(document: Json | undefined, pointer: string): Json | undefined {
  let node = document
  for (const raw of pointer.split('/').filter(Boolean)) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~')
    if (Array.isArray(node)) node = node[Number(key)]
    else if (isObject(node)) node = node[key]
    else return undefined
  }
  return node
}

/** Inlines every $ref. A cycle or a file missing from this copy of the spec becomes {} (anything). */
function resolve(node: Json | undefined, file: string, stack: string[] = []): Json {
  if (Array.isArray(node)) return node.map((item) => resolve(item, file, stack))
  if (!isObject(node)) return node ?? {}
  const ref = node['$ref']
  const rest: JsonObject = {}
  for (const [key, value] of Object.entries(node)) {
    if (key !== '$ref' && key !== 'example' && key !== 'examples') rest[key] = resolve(value, file, stack)
  }
  if (typeof ref !== 'string') return rest
  const [target = '', pointer = ''] = ref.split('#')
  const targetFile = target === '' ? file : path.resolve(path.dirname(file), target)
  const key = `${targetFile}#${pointer}`
  if (stack.includes(key)) return rest
  const resolved = resolve(pointerInto(loadDocument(targetFile), pointer), targetFile, [...stack, key])
  return Object.keys(rest).length === 0 ? resolved : { allOf: [resolved], ...rest }
}

function loadOperations(): Operation[] {
  const operations: Operation[] = []
  for (const name of readdirSync(CLIENT_SERVER_DIR).filter((f) => f.endsWith('.yaml')).sort()) {
    const file = path.join(CLIENT_SERVER_DIR, name)
    const document = loadDocument(file)
    if (!isObject(document) || !isObject(document['paths'])) continue
    const server = Array.isArray(document['servers']) ? document['servers'][0] : undefined
    const basePath = String(pointerInto(server, '/variables/basePath/default') ?? '')
    for (const [template, item] of Object.entries(document['paths'])) {
      if (!isObject(item)) continue
      for (const [method, spec] of Object.entries(item)) {
        if (!['get', 'put', 'post', 'delete', 'patch'].includes(method) || !isObject(spec)) continue
        const full = basePath + template
        const source = full.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')
        operations.push({
          method: method.toUpperCase(),
          template: full,
          file,
          regex: new RegExp(`^${source}$`),
          literalLength: full.replace(/\{[^}]+\}/g, '').length,
          spec,
        })
      }
    }
  }
  return operations
}

let operationsCache: Operation[] | undefined
const operations = (): Operation[] => (operationsCache ??= loadOperations())

/** r0 was renamed v3 in spec v1.1 with the same operations. */
export function normalisePath(concrete: string): string {
  return concrete.replace(/^\/_matrix\/client\/r0\//, '/_matrix/client/v3/').replace(/^\/_matrix\/media\/r0\//, '/_matrix/media/v3/')
}

export function findOperation(method: string, concretePath: string): { template: string; operationId: string } | undefined {
  const op = matchOperation(method, concretePath)
  return op && { template: op.template, operationId: String(op.spec['operationId'] ?? '') }
}

function matchOperation(method: string, concretePath: string): Operation | undefined {
  const wanted = normalisePath(concretePath)
  const candidates = operations().filter((op) => op.method === method.toUpperCase() && op.regex.test(wanted))
  // Prefer the most literal template ("/devices/{id}" over "/{anything}/{id}").
  return candidates.sort((a, b) => b.literalLength - a.literalLength)[0]
}

const MATRIX_FORMATS: Record<string, RegExp> = {
  'mx-user-id': /^@[^:]+:.+$/,
  'mx-room-id': /^!.+$/,
  'mx-event-id': /^\$.+$/,
  'mx-room-alias': /^#[^:]+:.+$/,
  'mx-server-name': /^[^\s/]+$/,
  'mx-mxc-uri': /^mxc:\/\/[^/]+\/.+$/,
  'mx-unpadded-base64': /^[A-Za-z0-9+/]*$/,
  'mx-urlsafe-unpadded-base64': /^[A-Za-z0-9_-]*$/,
}

let ajvInstance: Ajv2020 | undefined
function ajv(): Ajv2020 {
  if (!ajvInstance) {
    ajvInstance = new Ajv2020({ strict: false, allErrors: true, validateFormats: true })
    addFormats(ajvInstance)
    for (const [name, pattern] of Object.entries(MATRIX_FORMATS)) ajvInstance.addFormat(name, pattern)
  }
  return ajvInstance
}

const compiled = new Map<string, ValidateFunction>()
function validatorFor(key: string, schema: () => Json): ValidateFunction {
  let validate = compiled.get(key)
  if (!validate) {
    validate = ajv().compile(schema() as object)
    compiled.set(key, validate)
  }
  return validate
}

function describeErrors(validate: ValidateFunction): string[] {
  return (validate.errors ?? []).map((e) => `${e.instancePath || '(body)'} ${e.message ?? 'is invalid'}${e.params && 'additionalProperty' in e.params ? ` (${String(e.params['additionalProperty'])})` : ''}`)
}

const ERROR_SCHEMA = path.join(CLIENT_SERVER_DIR, 'definitions', 'errors', 'error.yaml')
const RATE_LIMITED_SCHEMA = path.join(CLIENT_SERVER_DIR, 'definitions', 'errors', 'rate_limited.yaml')

function schemaOfFile(file: string): Json {
  return resolve({ $ref: path.basename(file) }, file)
}

/**
 * Violations of the request body against the operation's requestBody schema. A path the spec does
 * not define gives one violation; an operation without a requestBody accepts any body.
 */
export function validateRequest(method: string, concretePath: string, body: unknown): string[] {
  const op = matchOperation(method, concretePath)
  if (!op) return [`${method} ${concretePath} is not an operation of the Client-Server API`]
  const requestBody = op.spec['requestBody']
  if (!isObject(requestBody)) return []
  if (body === undefined) return requestBody['required'] === true ? ['the request has no body but the spec requires one'] : []
  const schema = pointerInto(requestBody, '/content/application~1json/schema')
  if (schema === undefined) return []
  const validate = validatorFor(`req ${op.method} ${op.template}`, () => resolve(schema, op.file))
  return validate(body) ? [] : describeErrors(validate)
}

// Error codes the spec's "Common error codes" allows on any endpoint, with the status that carries
// them even when an endpoint does not list it (every authenticated endpoint can answer 401
// M_MISSING_TOKEN, every endpoint 429, and so on).
const COMMON_ERRORS: Record<string, number[]> = {
  M_MISSING_TOKEN: [401],
  M_UNKNOWN_TOKEN: [401],
  M_USER_LOCKED: [401],
  M_LIMIT_EXCEEDED: [429],
  M_NOT_JSON: [400],
  M_BAD_JSON: [400],
  M_MISSING_PARAM: [400],
  M_INVALID_PARAM: [400],
  M_UNKNOWN: [400, 500],
  M_UNRECOGNIZED: [400, 404, 405],
  M_FORBIDDEN: [403],
  M_NOT_FOUND: [404],
  M_TOO_LARGE: [413],
}
// On a documented 401 (the UIA answer), only token problems may come without the UIA fields.
const TOKEN_ERRORS = new Set(['M_MISSING_TOKEN', 'M_UNKNOWN_TOKEN', 'M_USER_LOCKED'])

function commonErrorViolations(status: number, body: unknown): string[] | undefined {
  if (!isObject(body as Json) || typeof (body as JsonObject)['errcode'] !== 'string') return undefined
  const errcode = (body as JsonObject)['errcode'] as string
  if (!COMMON_ERRORS[errcode]?.includes(status)) return undefined
  const file = errcode === 'M_LIMIT_EXCEEDED' ? RATE_LIMITED_SCHEMA : ERROR_SCHEMA
  const validate = validatorFor(`common ${file}`, () => schemaOfFile(file))
  const violations = validate(body) ? [] : describeErrors(validate)
  const softLogout = (body as JsonObject)['soft_logout']
  if (softLogout !== undefined && typeof softLogout !== 'boolean') violations.push('/soft_logout must be boolean')
  if (errcode === 'M_USER_LOCKED' && softLogout !== true) violations.push('M_USER_LOCKED must carry soft_logout: true')
  return violations
}

/** Violations of a response against the operation's documented responses. */
export function validateResponse(method: string, concretePath: string, status: number, body: unknown): string[] {
  const op = matchOperation(method, concretePath)
  if (!op) return [`${method} ${concretePath} is not an operation of the Client-Server API`]
  const responses = isObject(op.spec['responses']) ? op.spec['responses'] : {}
  const documented = responses[String(status)] ?? responses[`${String(status)[0]}XX`]
  const errcode = isObject(body as Json) ? (body as JsonObject)['errcode'] : undefined
  const useCommon = documented === undefined || (status === 401 && typeof errcode === 'string' && TOKEN_ERRORS.has(errcode))
  if (useCommon) {
    const common = commonErrorViolations(status, body)
    if (common) return common
    if (documented === undefined) return [`status ${status} is not documented for ${op.method} ${op.template}`]
  }
  const resolvedResponse = resolve(documented, op.file)
  const content = isObject(resolvedResponse) ? resolvedResponse['content'] : undefined
  if (!isObject(content)) {
    // Documented without a body schema (e.g. a 404 with only a description): a Matrix error is fine.
    return status >= 400 && body !== undefined ? (commonErrorViolations(status, body) ?? validateAgainstErrorSchema(body)) : []
  }
  const schema = pointerInto(content, '/application~1json/schema')
  if (schema === undefined) return []
  if (body === undefined || typeof body === 'string') return ['the response body is not JSON']
  const validate = validatorFor(`res ${op.method} ${op.template} ${status}`, () => schema)
  return validate(body) ? [] : describeErrors(validate)
}

function validateAgainstErrorSchema(body: unknown): string[] {
  const validate = validatorFor(`common ${ERROR_SCHEMA}`, () => schemaOfFile(ERROR_SCHEMA))
  return validate(body) ? [] : describeErrors(validate)
}

export interface ExchangeRecord {
  endpoint?: string
  method: string
  path: string
  body: unknown
  status: number
  responseBody: unknown
  fault?: string
}

// Pages for a person's browser, not API operations of the OpenAPI files.
const NOT_IN_OPENAPI = new Set(['identityProvider', 'ssoFallback', 'accountPage', 'authMetadataUnstable', 'authIssuer'])
// A proposal's (MSC's) path before it was stabilised: servers that shipped early still serve it
// and a client may try it (spec-versions.ts), but the spec has nothing to check it against.
const UNSTABLE_PATH = /^\/_matrix\/client\/unstable\//

export interface ConformanceOptions {
  /** Validate what the client sent (default true). Off for tests that send bad requests on purpose. */
  requests?: boolean
  /** Validate what the server answered (default true). */
  responses?: boolean
}

/** Every violation in the recorded exchanges, one readable line each. Faulted exchanges are skipped. */
export function specViolations(records: readonly ExchangeRecord[], options: ConformanceOptions = {}): string[] {
  const lines: string[] = []
  if (!specAvailable) return lines // skipped: no MATRIX_SPEC_DIR (said once, by the test run's setup)
  for (const record of records) {
    if (record.fault !== undefined || record.method === 'OPTIONS') continue
    if (record.endpoint !== undefined && NOT_IN_OPENAPI.has(record.endpoint)) continue
    if (UNSTABLE_PATH.test(record.path)) continue
    const label = `${record.method} ${record.path} → ${record.status}`
    if (!matchOperation(record.method, record.path)) {
      if (options.requests !== false) lines.push(`${label}: not an operation of the Client-Server API`)
      continue
    }
    if (options.requests !== false) {
      for (const v of validateRequest(record.method, record.path, record.body)) lines.push(`${label}: request ${v}`)
    }
    if (options.responses !== false) {
      for (const v of validateResponse(record.method, record.path, record.status, record.responseBody)) lines.push(`${label}: response ${v}`)
    }
  }
  return lines
}

export function assertRequestsConformToSpec(records: readonly ExchangeRecord[], options: ConformanceOptions = {}): void {
  const lines = specViolations(records, options)
  if (lines.length > 0) {
    throw new Error(`${lines.length} exchange(s) do not conform to the Matrix spec:\n  - ${lines.join('\n  - ')}`)
  }
}
