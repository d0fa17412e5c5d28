// What a client says about itself in account data: Element's clients write
// `io.element.matrix_client_information.<device_id>` = {name, version, url} (see REAL-SERVERS.md).
// One filtered /sync per account reads every device's entry at once; Latchkey writes its own the
// same way. The content is a claim by whoever holds a token for the account, so the UI says where
// a fact came from.

export const CLIENT_INFORMATION_PREFIX = 'io.element.matrix_client_information.'

/**
 * An inline /sync filter that carries only the client information account data: no rooms, no
 * presence, no to-device or device-list noise beyond what the server always sends.
 */
export const CLIENT_INFORMATION_FILTER = JSON.stringify({
  account_data: { types: [`${CLIENT_INFORMATION_PREFIX}*`] },
  presence: { types: [] },
  room: { rooms: [] },
})

export interface ClientInformation {
  name?: string
  version?: string
  /** Whatever the client wrote: Element Web writes a host and path without scheme. Not necessarily a URL. */
  url?: string
}

// Control characters are exactly what this removes.
// eslint-disable-next-line no-control-regex
const DISGUISES = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g

/** Longer than any real client name; anything beyond is cut (the content is someone's claim). */
const MAX_FIELD = 200

function field(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined
  // Control characters and bidi overrides could make a name lie about itself on screen.
  const cleaned = value.replace(DISGUISES, '').trim()
  if (cleaned === '') return undefined
  return cleaned.length > MAX_FIELD ? `${cleaned.slice(0, MAX_FIELD)}…` : cleaned
}

/** Reads one entry's content; `{}` (what a client writes to withdraw it) and junk read as nothing. */
export function readClientInformation(content: Readonly<Record<string, unknown>>): ClientInformation | undefined {
  const out: ClientInformation = {}
  const name = field(content.name)
  const version = field(content.version)
  const url = field(content.url)
  if (name !== undefined) out.name = name
  if (version !== undefined) out.version = version
  if (url !== undefined) out.url = url
  return Object.keys(out).length > 0 ? out : undefined
}

/** device id → its client information, from the account data events of a filtered /sync. */
export function clientInformationByDevice(events: ReadonlyArray<{ type: string; content: Readonly<Record<string, unknown>> }>): Map<string, ClientInformation> {
  const out = new Map<string, ClientInformation>()
  for (const e of events) {
    if (!e.type.startsWith(CLIENT_INFORMATION_PREFIX)) continue
    const deviceId = e.type.slice(CLIENT_INFORMATION_PREFIX.length)
    if (deviceId === '') continue
    const info = readClientInformation(e.content)
    if (info) out.set(deviceId, info)
  }
  return out
}
