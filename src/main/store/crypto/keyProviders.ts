import { createHash, randomBytes } from 'node:crypto'
import { link, mkdir, open, readFile, rm, stat } from 'node:fs/promises'
import path from 'node:path'
import { LikenessError } from '../../../shared/errors'
import { minPassphraseLength } from '../../../shared/api/privacy'
import { syncFolder } from '../atomicWrite'
import { gcmOpen, gcmSeal, keyBytes } from './aesGcm'
import type { KeyProvider, Wrapping } from './keyring'
import { deriveKey, newScryptParams, saneScryptParams } from './passphrase'

const wrapData = (kind: string): Uint8Array => new TextEncoder().encode(`likeness:data-key:${kind}`)
const toBase64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64')
const fromBase64 = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'base64'))

const otherKind = (wrapping: Wrapping): LikenessError => new LikenessError('Internal', `A ${wrapping.kind} wrapping was handed to another provider.`)


/** A passphrase, stretched with scrypt; a wrong one is WrongKey and reads nothing. */
export function passphraseProvider(passphrase: string): KeyProvider {
  return {
    kind: 'passphrase',
    label: 'the passphrase in LIKENESS_PASSPHRASE',
    async wrap(dataKey) {
      if (passphrase.length < minPassphraseLength) throw new LikenessError('BadRequest', `A passphrase needs at least ${minPassphraseLength} characters.`)
      const params = newScryptParams()
      const key = await deriveKey(passphrase, params)
      const sealed = gcmSeal(key, dataKey, wrapData('passphrase'))
      key.fill(0)
      return { kind: 'passphrase', logN: params.logN, r: params.r, p: params.p, salt: toBase64(params.salt), sealed: toBase64(sealed) }
    },
    async unwrap(wrapping) {
      if (wrapping.kind !== 'passphrase') throw otherKind(wrapping)
      const params = { logN: wrapping.logN, r: wrapping.r, p: wrapping.p, salt: fromBase64(wrapping.salt) }
      if (!saneScryptParams(params)) throw new LikenessError('StoreCorrupt', 'The keyring holds a passphrase wrapping with impossible parameters.')
      const key = await deriveKey(passphrase, params)
      const dataKey = gcmOpen(key, fromBase64(wrapping.sealed), wrapData('passphrase'))
      key.fill(0)
      if (!dataKey) throw new LikenessError('WrongKey', 'The passphrase does not open this data folder.', { problem: 'wrong-passphrase' })
      return dataKey
    }
  }
}

/** What the desktop host hands over from Electron's safeStorage: the service never imports electron. */
export interface OsKeychain {
  encryptString(text: string): Promise<Uint8Array>
  decryptString(sealed: Uint8Array): Promise<string>
}

/** The OS keychain (macOS Keychain, Windows DPAPI, the Secret Service or KWallet on Linux) through the desktop host. */
export function osKeychainProvider(keychain: OsKeychain): KeyProvider {
  return {
    kind: 'os-keychain',
    label: "the desktop app's OS keychain",
    async wrap(dataKey) {
      return { kind: 'os-keychain', sealed: toBase64(await keychain.encryptString(toBase64(dataKey))) }
    },
    async unwrap(wrapping) {
      if (wrapping.kind !== 'os-keychain') throw otherKind(wrapping)
      let text: string
      try {
        text = await keychain.decryptString(fromBase64(wrapping.sealed))
      } catch (error) {
        throw new LikenessError('WrongKey', `The OS keychain could not open the data key: ${(error as Error).message}. Was the folder made under another login?`, { problem: 'keychain-failed' })
      }
      const dataKey = fromBase64(text)
      if (dataKey.byteLength !== keyBytes) throw new LikenessError('WrongKey', 'The OS keychain gave back something that is not a data key.', { problem: 'keychain-failed' })
      return dataKey
    }
  }
}

const keyFileHeader = 'LIKENESS-KEY-1 '

/**
 * A random key in a file of mode 0600 outside the data folder (the CLI's and browser mode's
 * default): a copy of the data folder alone, a backup or a synced folder, reveals no face. Like
 * ssh with a private key, a file others may read is refused. `create`: make the file when absent.
 */
export function keyFileProvider(file: string, { dataDir, create }: { dataDir: string; create: boolean }): KeyProvider {
  const full = path.resolve(file)
  if ((full + path.sep).startsWith(path.resolve(dataDir) + path.sep)) {
    throw new LikenessError('WrongKey', 'The key file must live outside the data folder: a copy of the folder would carry its own key.', { problem: 'key-file-inside-data-folder', file: full })
  }
  const keyId = (kek: Uint8Array): string => createHash('sha256').update(wrapData('key-file-id')).update(kek).digest('hex').slice(0, 16)
  const label = `the key file ${full}`

  async function readKek(): Promise<Uint8Array | undefined> {
    let text: string
    try {
      if (process.platform !== 'win32' && ((await stat(full)).mode & 0o077) !== 0) {
        throw new LikenessError('WrongKey', `${full} can be read by other users: chmod 600 it, or move it.`, { problem: 'key-file-exposed', file: full })
      }
      text = await readFile(full, 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
      throw error
    }
    const kek = text.startsWith(keyFileHeader) ? fromBase64(text.slice(keyFileHeader.length).trim()) : new Uint8Array(0)
    if (kek.byteLength !== keyBytes) throw new LikenessError('WrongKey', `${full} is not a Likeness key file.`, { problem: 'not-a-key-file', file: full })
    return kek
  }

  async function createKek(): Promise<Uint8Array> {
    const kek = new Uint8Array(randomBytes(keyBytes))
    const folder = path.dirname(full)
    await mkdir(folder, { recursive: true, mode: 0o700 })
    // Written whole beside it, then linked into place: a crash leaves no half key file, and a link
    // never replaces an existing key, which may be all that opens another folder.
    const temporary = `${full}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
    try {
      const handle = await open(temporary, 'wx', 0o600)
      try {
        await handle.writeFile(`${keyFileHeader}${toBase64(kek)}\n`)
        await handle.sync()
      } finally {
        await handle.close()
      }
      await link(temporary, full)
    } finally {
      await rm(temporary, { force: true })
    }
    await syncFolder(folder)
    return kek
  }

  return {
    kind: 'key-file',
    label,
    async wrap(dataKey) {
      const kek = (await readKek()) ?? (create ? await createKek() : undefined)
      if (!kek) return undefined
      const wrapping: Wrapping = { kind: 'key-file', keyId: keyId(kek), sealed: toBase64(gcmSeal(kek, dataKey, wrapData('key-file'))) }
      kek.fill(0)
      return wrapping
    },
    async unwrap(wrapping) {
      if (wrapping.kind !== 'key-file') throw otherKind(wrapping)
      const kek = await readKek()
      if (!kek) throw new LikenessError('WrongKey', `This data folder is locked with a key file, and ${full} does not exist.`, { problem: 'no-key-file', file: full })
      if (keyId(kek) !== wrapping.keyId) throw new LikenessError('WrongKey', `${full} is not the key file this data folder was locked with.`, { problem: 'wrong-key-file', file: full })
      const dataKey = gcmOpen(kek, fromBase64(wrapping.sealed), wrapData('key-file'))
      kek.fill(0)
      if (!dataKey) throw new LikenessError('WrongKey', `${full} does not open this data folder.`, { problem: 'wrong-key-file', file: full })
      return dataKey
    }
  }
}
