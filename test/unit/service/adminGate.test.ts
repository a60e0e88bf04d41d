import { mkdtemp } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { beforeEach, describe, expect, it } from 'vitest'
import { Store } from '../../../src/main/store'
import { AdminGate } from '../../../src/main/service/adminGate'
import { keysOf } from '../../support/keys'

const minute = 60_000
const enroll = { name: 'Ada', images: [new Uint8Array(1)] }

describe('the admin PIN in kiosk mode', () => {
  let store: Store
  let clock: number
  let gate: AdminGate
  beforeEach(async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'likeness-gate-'))
    store = await Store.open(dataDir, keysOf(dataDir))
    clock = 1_000_000
    gate = new AdminGate(store, 'browser', () => clock)
  })

  it('guards nothing outside kiosk mode, and kiosk mode needs a PIN first', async () => {
    expect(() => gate.check('face.enroll', enroll)).not.toThrow()
    await expect(gate.beforeSettings({ kioskMode: true })).rejects.toMatchObject({ kind: 'BadRequest' })
    await gate.setPin('2468', undefined)
    await expect(gate.beforeSettings({ kioskMode: true })).resolves.toBeUndefined()
    await store.settings.update({ kioskMode: true })
    // The admin who turned it on keeps going until idle.
    expect(() => gate.check('face.enroll', enroll)).not.toThrow()
    clock += 6 * minute
    expect(() => gate.check('face.enroll', enroll)).toThrow(expect.objectContaining({ kind: 'Locked' }))
  })

  it('in kiosk mode refuses admin calls until the PIN is entered, and again after 5 idle minutes or a lock', async () => {
    await gate.setPin('2468', undefined)
    await store.settings.update({ kioskMode: true })
    expect(await gate.status()).toEqual({ kioskMode: true, pinSet: true, unlocked: false, retryAfterMs: 0 })
    for (const [method, request] of [
      ['face.enroll', enroll],
      ['settings.update', { tau: 0.3 }],
      ['train.models', {}],
      ['explore.scan', { network: 'mobilenet', images: { kind: 'gallery' } }]
    ] as const) {
      expect(() => gate.check(method, request as never), method).toThrow(expect.objectContaining({ kind: 'Locked' }))
    }
    // Check-in, verification and the explorer on other pictures stay open to anyone.
    expect(() => gate.check('checkin.frame', { session: 'desk', at: 0, frame: { width: 32, height: 32, rgb: new Uint8Array(32 * 32 * 3) } })).not.toThrow()
    expect(() => gate.check('face.verify', { personId: 'p', image: new Uint8Array(1) })).not.toThrow()
    expect(() => gate.check('explore.scan', { network: 'mobilenet', images: { kind: 'samples' } })).not.toThrow()

    await expect(gate.unlock('1357')).rejects.toMatchObject({ kind: 'WrongKey', detail: { problem: 'wrong-pin' } })
    expect((await gate.unlock('2468')).unlocked).toBe(true)
    expect(() => gate.check('face.enroll', enroll)).not.toThrow()
    clock += 4 * minute
    expect(() => gate.check('face.enroll', enroll)).not.toThrow()
    clock += 4 * minute
    expect(() => gate.check('face.enroll', enroll)).not.toThrow()
    clock += 6 * minute
    expect(() => gate.check('face.enroll', enroll)).toThrow(expect.objectContaining({ kind: 'Locked' }))
    await gate.unlock('2468')
    await gate.lock()
    expect(() => gate.check('face.enroll', enroll)).toThrow(expect.objectContaining({ kind: 'Locked' }))
  })

  it('makes a guesser wait after 5 wrong PINs, doubling, and the right PIN then still works', async () => {
    await gate.setPin('2468', undefined)
    await store.settings.update({ kioskMode: true })
    for (let i = 0; i < 5; i++) await expect(gate.unlock('0000')).rejects.toMatchObject({ kind: 'WrongKey' })
    await expect(gate.unlock('2468')).rejects.toMatchObject({ kind: 'Locked', detail: { retryAfterMs: 30_000 } })
    clock += 30_000
    await expect(gate.unlock('0000')).rejects.toMatchObject({ kind: 'WrongKey', detail: { retryAfterMs: 60_000 } })
    clock += 60_000
    expect((await gate.unlock('2468')).unlocked).toBe(true)
  })

  it('changes the PIN only with the current one, and never leaves kiosk mode without one', async () => {
    await gate.setPin('2468', undefined)
    await expect(gate.setPin('1111', undefined)).rejects.toMatchObject({ kind: 'WrongKey' })
    await expect(gate.setPin('1111', '9999')).rejects.toMatchObject({ kind: 'WrongKey' })
    await gate.setPin('1111', '2468')
    await store.settings.update({ kioskMode: true })
    await expect(gate.setPin(null, '1111')).rejects.toMatchObject({ kind: 'BadRequest' })
    expect(await store.adminPin.matches('1111')).toBe(true)
  })

  it('does not gate the command line, whose user holds the folder and its key already', async () => {
    await gate.setPin('2468', undefined)
    await store.settings.update({ kioskMode: true })
    expect(() => new AdminGate(store, 'cli').check('face.wipe', { confirm: true })).not.toThrow()
  })
})
