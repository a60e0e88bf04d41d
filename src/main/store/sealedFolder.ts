import { open, readFile } from 'node:fs/promises'
import path from 'node:path'
import { LikenessError } from '../../shared/errors'
import type { StoreNotice } from '../../shared/api/system'
import { descriptorDimension } from '../../shared/api/face'
import { isSealed, type DataKey } from './crypto/dataKey'
import { createKeyring, KeyringFile, keyringFileName, unlockKeyring, withMissingWrappings, type KeyProvider } from './crypto/keyring'
import { temporaryFileWriter } from './atomicWrite'
import { sealedFolders, StoreFiles } from './files'
import { namesIn, Residue } from './residue'
import { isTemplateFileName, sealPlainTemplateMatrix } from './templateMatrix'

/**
 * Opens the data folder's key and makes sure every biometric file is sealed under it, before
 * anything else is read or written: a wrong key or passphrase stops here, having changed nothing.
 *
 * A folder from before encryption is migrated in place: a keyring first, then each plaintext
 * file rewritten sealed under its own name (one atomic replace each, so a crash leaves either
 * file whole), then the keyring notes that the folder is sealed. Killed at any point, the next
 * start finds the keyring or not, each file plain or sealed, and finishes the work.
 */
export async function openSealedFolder(dataDir: string, providers: readonly KeyProvider[], notices: StoreNotice[]): Promise<DataKey> {
  const keyring = KeyringFile.in(dataDir)
  let document = await keyring.read()
  let key: DataKey
  if (!document) {
    const sealed = await firstSealedFile(dataDir)
    if (sealed) {
      throw new LikenessError('StoreCorrupt', `${keyringFileName} is missing, but the folder holds encrypted files (${sealed}); without it they cannot be read. Restore it from a backup.`, { file: sealed })
    }
    ;({ document, key } = await createKeyring(providers))
    await keyring.write(document)
  } else {
    key = await unlockKeyring(document, providers)
    const more = await withMissingWrappings(document, key, providers)
    if (more) await keyring.write((document = more))
  }
  if (!document.filesSealed) {
    const sealed = await sealPlaintextFiles(dataDir, key)
    await keyring.write({ ...document, filesSealed: true })
    if (sealed > 0) notices.push({ kind: 'migrated', message: `Encrypted ${sealed} files that held faces in the clear.` })
  }
  return key
}

/** Seals every plaintext file of the store's sealed folders and every plaintext template file; returns how many. */
async function sealPlaintextFiles(dataDir: string, key: DataKey): Promise<number> {
  // Writes cut short before encryption hold plaintext faces: none of them is anyone's to finish.
  await new Residue(dataDir).removeStaleTemporaryFiles()
  const files = new StoreFiles(dataDir, key)
  let sealed = 0
  for (const name of (await namesIn(dataDir)).filter(isTemplateFileName)) {
    if (await sealPlainTemplateMatrix(path.join(dataDir, name), descriptorDimension, key)) sealed++
  }
  for (const relative of await sealedFolderFiles(dataDir)) {
    const bytes = new Uint8Array(await readFile(path.join(dataDir, relative)))
    if (isSealed(bytes)) continue
    await files.write(relative, bytes)
    sealed++
  }
  return sealed
}

async function sealedFolderFiles(dataDir: string): Promise<string[]> {
  const found: string[] = []
  for (const folder of sealedFolders) {
    for (const name of await namesIn(path.join(dataDir, folder))) if (temporaryFileWriter(name) === undefined) found.push(`${folder}/${name}`)
  }
  return found
}

/** The first file that is already sealed, if any: a folder with one must not get a new key. */
async function firstSealedFile(dataDir: string): Promise<string | undefined> {
  const candidates = [...(await namesIn(dataDir)).filter(isTemplateFileName), ...(await sealedFolderFiles(dataDir))]
  for (const relative of candidates) {
    const head = new Uint8Array(64)
    const handle = await open(path.join(dataDir, relative), 'r')
    let length: number
    try {
      length = (await handle.read(head, 0, head.byteLength, 0)).bytesRead
    } finally {
      await handle.close()
    }
    // A template file of any version but the plaintext one counts as sealed: better refused than given a new key.
    const matrixVersion = length >= 8 ? new DataView(head.buffer).getUint32(4, true) : 1
    if (isTemplateFileName(relative) ? matrixVersion !== 1 : isSealed(head.subarray(0, length))) return relative
  }
  return undefined
}
