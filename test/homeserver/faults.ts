import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http'
import type { EndpointName, Fault } from './types'

// The fault switch. A faulted request never reaches a handler, so it changes no state; only
// 'latency' lets the request through (late).

const PROXY_PAGE = `<html>
<head><title>502 Bad Gateway</title></head>
<body>
<center><h1>502 Bad Gateway</h1></center>
<hr><center>nginx</center>
</body>
</html>
`

export class FaultSwitch {
  private readonly perEndpoint = new Map<EndpointName, Fault>()
  private everywhere: Fault | null = null

  /** setFault('*', null) clears every fault, not only the '*' one. */
  set(endpoint: EndpointName | '*', fault: Fault | null): void {
    if (endpoint === '*') {
      this.everywhere = fault
      if (fault === null) this.perEndpoint.clear()
    } else if (fault === null) this.perEndpoint.delete(endpoint)
    else this.perEndpoint.set(endpoint, fault)
  }

  for(endpoint: EndpointName | 'unknown'): Fault | null {
    if (endpoint === 'unknown') return null
    return this.perEndpoint.get(endpoint) ?? this.everywhere
  }
}

export interface FaultOutcome {
  status: number
  body: string | undefined
  headers: Record<string, string>
}

/** Answers (or refuses to answer) the request as the fault says. Not called for 'latency'. */
export function applyFault(fault: Exclude<Fault, { kind: 'latency' }>, req: IncomingMessage, res: ServerResponse): FaultOutcome {
  const send = (status: number, contentType: string, body: string): FaultOutcome => {
    const headers = { 'Content-Type': contentType }
    res.writeHead(status, headers)
    res.end(body)
    return { status, body, headers }
  }
  switch (fault.kind) {
    case 'status':
      return send(fault.status, 'text/plain; charset=utf-8', `${fault.status} ${STATUS_CODES[fault.status] ?? 'Error'}`)
    case 'error-body': {
      const body = JSON.stringify({ errcode: fault.errcode, error: fault.error })
      const headers = { 'Content-Type': 'application/json' }
      if (fault.statusText === undefined) res.writeHead(fault.status, headers)
      else res.writeHead(fault.status, fault.statusText, headers)
      res.end(body)
      return { status: fault.status, body, headers }
    }
    case 'html':
      return send(502, 'text/html', PROXY_PAGE)
    case 'malformed-json':
      return send(200, 'application/json', '{"user_id": "@alice:localhost", "device_id": ')
    case 'truncated': {
      const partial = '{"user_id": "@alice:localhost", "dev'
      const headers = { 'Content-Type': 'application/json', 'Content-Length': '4096' }
      res.writeHead(200, headers)
      res.write(partial, () => req.socket.destroy())
      return { status: 200, body: partial, headers }
    }
    case 'reset':
      req.socket.destroy()
      return { status: 0, body: undefined, headers: {} }
    case 'hang':
      return { status: 0, body: undefined, headers: {} }
  }
}
