/**
 * node:http and node:https, taken rather than imported. On Node 22 an ES import of node:http reads
 * every one of its exports, and its WebSocket, CloseEvent and MessageEvent getters load undici:
 * 15–30 ms of start-up (measured) for something neither a request nor the sign-in listener uses.
 * Importing one of them again anywhere brings that back; a test guards it (node-http.test.ts).
 */
export const http = process.getBuiltinModule('node:http')
export const https = process.getBuiltinModule('node:https')
