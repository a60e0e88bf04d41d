import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { z } from 'zod'
import { LikenessError } from '../../../shared/errors'
import { writeFileAtomic } from '../atomicWrite'
import { DataKey } from './dataKey'

export type KeyKind = 'os-keychain' | 'key-file' | 'passphrase'

const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/)

/** The data key sealed by one provider; only ciphertexts and public parameters, never the key. */
const wrappingSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('os-keychain'), sealed: base64 }).strict(),
  z.object({ kind: z.literal('key-file'), keyId: z.string().regex(/^[0-9a-f]{16}$/), sealed: base64 }).strict(),
  z.object({ kind: z.literal('passphrase'), logN: z.number().int(), r: z.number().int(), p: z.number().int(), salt: base64, sealed: base64 }).strict()
])
export type Wrapping = z.infer<typeof wrappingSchema>

/**
 * What keeps the data key: its wrappings, one per provider, and whether every file of the folder
 * is sealed yet (false until the plaintext → sealed migration has finished). A plain value, so
 * the shared store can keep the same document in a row and every desk unwraps the one data key.
 */
const keyringSchema = z
  .object({
    format: z.literal(1),
    wrappings: z.array(wrappingSchema).min(1),
    filesSealed: z.boolean()
  })
  .strict()
export type KeyringDocument = z.infer<typeof keyringSchema>

/**
 * One way to keep the data key: the OS keychain (Electron's safeStorage, given by the desktop
 * host), a key file outside the data folder, or a passphrase (scrypt). Providers are tried in
 * the host's order; the first whose wrapping opens gives the key.
 */
export interface KeyProvider {
  readonly kind: KeyKind
  /** How a person names it in a message: "the key file /home/ada/.config/Likeness.key". */
  readonly label: string
  /** The key wrapped for the keyring, or undefined when this provider cannot hold a key here (a key file it may not create). */
  wrap(dataKey: Uint8Array): Promise<Wrapping | undefined>
  /** The data key from a wrapping of this provider's kind, or WrongKey when this provider does not open it (another key file, another passphrase). */
  unwrap(wrapping: Wrapping): Promise<Uint8Array>
}

const describeKind: Record<KeyKind, string> = {
  'os-keychain': "the desktop app's OS keychain",
  'key-file': 'a key file',
  passphrase: 'a passphrase (LIKENESS_PASSPHRASE)'
}

/** A new data key, wrapped by every provider that can hold one. */
export async function createKeyring(providers: readonly KeyProvider[]): Promise<{ document: KeyringDocument; key: DataKey }> {
  const key = DataKey.generate()
  const wrappings: Wrapping[] = []
  const raw = key.exportForWrapping()
  for (const provider of providers) {
    const wrapping = await provider.wrap(raw)
    if (wrapping) wrappings.push(wrapping)
  }
  raw.fill(0)
  if (wrappings.length === 0) throw new LikenessError('WrongKey', 'There is no way to keep the data key here: no OS keychain, key file or passphrase.', { problem: 'no-key' })
  return { document: { format: 1, wrappings, filesSealed: false }, key }
}

/** The data key from the first provider whose wrapping opens; nothing is written. */
export async function unlockKeyring(document: KeyringDocument, providers: readonly KeyProvider[]): Promise<DataKey> {
  let refusal: LikenessError | undefined
  for (const provider of providers) {
    for (const wrapping of document.wrappings.filter((w) => w.kind === provider.kind)) {
      try {
        const raw = await provider.unwrap(wrapping)
        const key = DataKey.fromBytes(raw)
        raw.fill(0)
        return key
      } catch (error) {
        if (!(error instanceof LikenessError) || error.kind !== 'WrongKey') throw error
        refusal ??= error
      }
    }
  }
  if (refusal) throw refusal
  const heldBy = [...new Set(document.wrappings.map((w) => w.kind))]
  const offered = providers.map((p) => p.label).join(', ') || 'nothing'
  throw new LikenessError('WrongKey', `This data folder's key is kept by ${heldBy.map((k) => describeKind[k]).join(' and ')}; this program offered ${offered}.`, {
    problem: 'no-key',
    heldBy
  })
}

/** The document with a wrapping added for each provider whose kind has none yet; undefined when nothing was added. */
export async function withMissingWrappings(document: KeyringDocument, key: DataKey, providers: readonly KeyProvider[]): Promise<KeyringDocument | undefined> {
  const added: Wrapping[] = []
  const raw = key.exportForWrapping()
  for (const provider of providers) {
    if (document.wrappings.some((w) => w.kind === provider.kind) || added.some((w) => w.kind === provider.kind)) continue
    const wrapping = await provider.wrap(raw)
    if (wrapping) added.push(wrapping)
  }
  raw.fill(0)
  return added.length > 0 ? { ...document, wrappings: [...document.wrappings, ...added] } : undefined
}

export const keyringFileName = 'keyring.json'

/** The keyring document of a data folder, kept in keyring.json beside likeness.json. */
export class KeyringFile {
  constructor(private readonly file: string) {}

  static in(dataDir: string): KeyringFile {
    return new KeyringFile(path.join(dataDir, keyringFileName))
  }

  /** Undefined when the folder has none yet. A damaged one is never replaced: a new key would lose every sealed file. */
  async read(): Promise<KeyringDocument | undefined> {
    let text: string
    try {
      text = await readFile(this.file, 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
      throw error
    }
    let json: unknown
    try {
      json = JSON.parse(text)
    } catch {
      json = undefined
    }
    const parsed = keyringSchema.safeParse(json)
    if (!parsed.success) throw new LikenessError('StoreCorrupt', `${keyringFileName} is damaged; without it the encrypted data cannot be read. Restore it from a backup.`, { file: this.file })
    return parsed.data
  }

  write(document: KeyringDocument): Promise<void> {
    return writeFileAtomic(this.file, JSON.stringify(document, null, 2))
  }
}
