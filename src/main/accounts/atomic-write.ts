/**
 * Replaces a file so that a reader, or a process killed at any instant, sees either the old
 * content or the new, never a mix: write a temporary file in the same folder, fsync it, rename it
 * over the target, fsync the folder so the rename itself survives a power cut. Written by hand
 * rather than with a packaged atomic writer because those do not fsync the folder.
 *
 * The calls that only name, open, fill or close a file run inline: each takes microseconds, and on
 * the thread pool each would cost a hop there and back (0.2–0.4 ms apiece on a busy machine,
 * measured; a write made a dozen). The two flushes wait for the disk, which may be slow, so they
 * run on the pool and never hold this thread.
 */
import { closeSync, fsync, openSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { readdir, rm } from 'node:fs/promises'
import path from 'node:path'
import { promisify } from 'node:util'

const TEMP_SUFFIX = '.tmp'

export function tempPathFor(file: string): string {
  return `${file}.${process.pid}.${randomHex(4)}${TEMP_SUFFIX}`
}

export async function writeFileAtomic(file: string, data: string, mode = 0o600): Promise<void> {
  const temp = tempPathFor(file)
  try {
    const fd = openSync(temp, 'wx', mode)
    try {
      writeFileSync(fd, data, 'utf8')
      await flush(fd)
    } finally {
      closeSync(fd)
    }
    renameSync(temp, file)
  } catch (error) {
    rmSync(temp, { force: true })
    throw error
  }
  await syncDir(path.dirname(file))
}

export async function syncDir(dir: string): Promise<void> {
  // Windows cannot open a folder for fsync; NTFS journals the rename itself.
  if (process.platform === 'win32') return
  const fd = openSync(dir, 'r')
  try {
    await flush(fd)
  } finally {
    closeSync(fd)
  }
}

/** fsync on the thread pool. */
const flush = promisify(fsync)

/**
 * Removes temporary files a killed writer left beside `file`. Call it only while holding the
 * lock: every writer creates its temporary file under the lock, so none of these is in use.
 */
export async function removeLeftoverTemps(file: string): Promise<number> {
  const dir = path.dirname(file)
  const prefix = `${path.basename(file)}.`
  const pattern = /^\d+\.[0-9a-f]{8}\.tmp$/
  let removed = 0
  for (const name of await readdir(dir)) {
    if (name.startsWith(prefix) && pattern.test(name.slice(prefix.length))) {
      await rm(path.join(dir, name), { force: true })
      removed++
    }
  }
  return removed
}

/**
 * `bytes` random bytes as hex, from the global Web Crypto: importing node:crypto costs a command
 * line ~10 ms of start-up even when it never makes an id or writes a file.
 */
function randomHex(bytes: number): string {
  return Array.from(globalThis.crypto.getRandomValues(new Uint8Array(bytes)), (b) => b.toString(16).padStart(2, '0')).join('')
}
