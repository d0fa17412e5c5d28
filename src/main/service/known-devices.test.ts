import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { lookAt, lookWouldChange, type KnownDevices } from './known-devices'

const NOW = '2026-11-29T12:00:00.000Z'
const ids = fc.array(fc.constantFrom('A', 'B', 'C', 'D', 'ME', '__proto__', 'constructor'), { maxLength: 8 })

/** A remembered map over some of those ids, some of them New. */
const known = fc.option(
  fc.dictionary(fc.constantFrom('A', 'B', 'C', 'D', 'ME', '__proto__', 'constructor'), fc.record({ firstSeenAt: fc.constant(NOW), new: fc.option(fc.constant(true), { nil: undefined }) }), { maxKeys: 6 }),
  { nil: undefined },
)

/** The dictionary as accounts.json gives it back: `__proto__` an own key like any other. */
function asStored(map: Record<string, { firstSeenAt: string; new?: true | undefined }> | undefined): KnownDevices | undefined {
  return map === undefined ? undefined : (JSON.parse(JSON.stringify(map)) as KnownDevices)
}

describe('the devices Latchkey has seen', () => {
  it('knows whether a look would change them exactly when the look itself would', () => {
    fc.assert(
      fc.property(known, ids, (previous, deviceIds) => {
        const stored = asStored(previous)
        expect(lookWouldChange(stored, deviceIds)).toBe(lookAt(stored, deviceIds, NOW, 'ME').changed)
        // Frozen, as the account list shares it, and asked twice (its size then remembered).
        const frozen = stored && Object.freeze(asStored(previous)!)
        expect(lookWouldChange(frozen, deviceIds)).toBe(lookAt(stored, deviceIds, NOW, 'ME').changed)
        expect(lookWouldChange(frozen, deviceIds)).toBe(lookAt(stored, deviceIds, NOW, 'ME').changed)
      }),
      { numRuns: 1000 },
    )
  })

  it('calls a look at the same devices unchanged, and one with a device more or less changed', () => {
    const stored = asStored({ A: { firstSeenAt: NOW }, B: { firstSeenAt: NOW, new: true } })
    expect(lookWouldChange(stored, ['B', 'A'])).toBe(false)
    expect(lookWouldChange(stored, ['A'])).toBe(true)
    expect(lookWouldChange(stored, ['A', 'B', 'C'])).toBe(true)
    expect(lookWouldChange(undefined, [])).toBe(true)
  })
})
