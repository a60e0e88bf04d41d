import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Store } from '../../../src/main/store'
import { DataKey } from '../../../src/main/store/crypto/dataKey'
import { keyFileProvider, passphraseProvider } from '../../../src/main/store/crypto/keyProviders'
import { keyringFileName } from '../../../src/main/store/crypto/keyring'
import { isEnvelope, openWithPassphrase, sealWithPassphrase } from '../../../src/main/store/crypto/passphraseEnvelope'
import { keyProvidersFromEnv } from '../../../src/main/dataKeys'
import { folderSnapshot } from '../../support/folder'

const wrongKey = (problem: string) => expect.objectContaining({ kind: 'WrongKey', detail: expect.objectContaining({ problem }) })
const bytes = (text: string): Uint8Array => new TextEncoder().encode(text)

describe('the data key', () => {
  const key = DataKey.generate()

  it('opens what it sealed under the same context only', () => {
    const sealed = key.seal(bytes('a face'), 'photos/a.jpg')
    expect(new TextDecoder().decode(key.open(sealed, 'photos/a.jpg'))).toBe('a face')
    expect(() => key.open(sealed, 'photos/b.jpg')).toThrow(expect.objectContaining({ kind: 'StoreCorrupt' }))
    expect(() => DataKey.generate().open(sealed, 'photos/a.jpg')).toThrow(expect.objectContaining({ kind: 'StoreCorrupt' }))
    const flipped = new Uint8Array(sealed)
    flipped[flipped.length - 20]! ^= 1
    expect(() => key.open(flipped, 'photos/a.jpg')).toThrow(expect.objectContaining({ kind: 'StoreCorrupt' }))
    expect(() => key.open(bytes('{"plain": "json"} and some more bytes than a seal'), 'x')).toThrow(expect.objectContaining({ kind: 'StoreCorrupt' }))
  })
})

describe('a passphrase envelope', () => {
  const magic = bytes('LKTEST01')

  it('opens with the passphrase, and tells a wrong one from a damaged or cut file', async () => {
    const file = await sealWithPassphrase(bytes('everyone in the gallery'), 'correct horse battery', magic)
    expect(isEnvelope(file, magic)).toBe(true)
    const opened = await openWithPassphrase(file, 'correct horse battery')
    expect(opened.ok && new TextDecoder().decode(opened.plaintext)).toBe('everyone in the gallery')
    expect(await openWithPassphrase(file, 'correct horse batterY')).toEqual({ ok: false, problem: 'wrong-passphrase' })
    const damaged = new Uint8Array(file)
    damaged[file.byteLength - 20]! ^= 1
    expect(await openWithPassphrase(damaged, 'correct horse battery')).toEqual({ ok: false, problem: 'checksum' })
    expect(await openWithPassphrase(file.slice(0, file.byteLength - 3), 'correct horse battery')).toEqual({ ok: false, problem: 'truncated' })
    const newer = new Uint8Array(file)
    new DataView(newer.buffer).setUint32(8, 2, true)
    expect(await openWithPassphrase(newer, 'correct horse battery')).toEqual({ ok: false, problem: 'newer-format' })
  })
})

describe('opening a data folder', () => {
  let root: string
  let dataDir: string
  let keyFile: string
  beforeEach(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'likeness-keys-'))
    dataDir = path.join(root, 'data')
    keyFile = path.join(root, 'data.key')
  })
  afterEach(() => rm(root, { recursive: true, force: true }))

  const cliKeys = (env: NodeJS.ProcessEnv = {}) => keyProvidersFromEnv(dataDir, env, { createKeyFile: true })

  it('makes a key file of mode 0600 beside the new folder, and opens the folder with it again', async () => {
    const first = await Store.open(dataDir, cliKeys())
    expect((await stat(keyFile)).mode & 0o777).toBe(0o600)
    const sealed = first.dataKey.seal(bytes('x'), 'photos/x.jpg')
    const again = await Store.open(dataDir, cliKeys())
    expect(new TextDecoder().decode(again.dataKey.open(sealed, 'photos/x.jpg'))).toBe('x')
    const keyring = JSON.parse(await readFile(path.join(dataDir, keyringFileName), 'utf8'))
    expect(keyring.wrappings.map((w: { kind: string }) => w.kind)).toEqual(['key-file'])
    expect(keyring.filesSealed).toBe(true)
  })

  it('refuses a key file inside the data folder, and one that others may read', async () => {
    expect(() => keyFileProvider(path.join(dataDir, 'inside.key'), { dataDir, create: true })).toThrow(wrongKey('key-file-inside-data-folder'))
    await Store.open(dataDir, cliKeys())
    await chmod(keyFile, 0o644)
    await expect(Store.open(dataDir, cliKeys())).rejects.toThrow(wrongKey('key-file-exposed'))
  })

  it('a wrong key file, a missing one or a wrong passphrase reads nothing and changes nothing', async () => {
    const store = await Store.open(dataDir, [passphraseProvider('the right passphrase'), keyFileProvider(keyFile, { dataDir, create: true })])
    await store.settings.update({ tau: 0.3 })
    const before = await folderSnapshot(dataDir)
    const otherRoot = path.join(root, 'other')
    await mkdir(otherRoot)
    const otherKey = path.join(otherRoot, 'other.key')
    await Store.open(path.join(otherRoot, 'data'), [keyFileProvider(otherKey, { dataDir: path.join(otherRoot, 'data'), create: true })])

    await expect(Store.open(dataDir, [passphraseProvider('the wrong passphrase')])).rejects.toThrow(wrongKey('wrong-passphrase'))
    await expect(Store.open(dataDir, [keyFileProvider(otherKey, { dataDir, create: false })])).rejects.toThrow(wrongKey('wrong-key-file'))
    await expect(Store.open(dataDir, [keyFileProvider(path.join(root, 'absent.key'), { dataDir, create: true })])).rejects.toThrow(wrongKey('no-key-file'))
    expect(await folderSnapshot(dataDir)).toEqual(before)

    const reopened = await Store.open(dataDir, [passphraseProvider('the right passphrase')])
    expect(reopened.settings.get().tau).toBe(0.3)
  })

  it('a folder made with a key file gets a passphrase wrapping when both are offered, and then opens with either', async () => {
    await Store.open(dataDir, cliKeys())
    await Store.open(dataDir, cliKeys({ LIKENESS_PASSPHRASE: 'a passphrase of length' }))
    await rm(keyFile)
    const store = await Store.open(dataDir, cliKeys({ LIKENESS_PASSPHRASE: 'a passphrase of length' }))
    expect(store.dataKey).toBeInstanceOf(DataKey)
    await expect(Store.open(dataDir, cliKeys())).rejects.toThrow(expect.objectContaining({ kind: 'WrongKey' }))
  })

  it('never gives a folder holding sealed files a new key when its keyring is gone', async () => {
    const store = await Store.open(dataDir, cliKeys())
    await mkdir(path.join(dataDir, 'photos'), { recursive: true })
    await writeFile(path.join(dataDir, 'photos', 'a.jpg'), store.dataKey.seal(bytes('a face'), 'photos/a.jpg'))
    await rm(path.join(dataDir, keyringFileName))
    const before = await folderSnapshot(dataDir)
    await expect(Store.open(dataDir, cliKeys())).rejects.toThrow(expect.objectContaining({ kind: 'StoreCorrupt' }))
    expect(await folderSnapshot(dataDir)).toEqual(before)
  })
})
