import { timingSafeEqual } from 'node:crypto'
import { z } from 'zod'
import { LikenessError } from '../../shared/errors'
import { deriveKey, newScryptParams, saneScryptParams } from './crypto/passphrase'
import type { StoreFiles } from './files'

const pinFile = 'admin/pin.json'

const storedPin = z.object({ logN: z.number().int(), r: z.number().int(), p: z.number().int(), salt: z.string(), hash: z.string() }).strict()

/**
 * A PIN's work factor: 2¹⁵ (32 MiB, about half a second here) keeps unlocking quick at the desk;
 * the file is sealed under the data key besides, so guessing offline needs that key first.
 */
const pinCost = 15

/** The admin PIN, as a salted scrypt hash in a sealed file: the one writer of admin/. */
export class AdminPinStore {
  private cached: z.infer<typeof storedPin> | null | undefined

  constructor(private readonly files: StoreFiles) {}

  async isSet(): Promise<boolean> {
    return (await this.stored()) !== null
  }

  async matches(pin: string): Promise<boolean> {
    const stored = await this.stored()
    if (!stored) return false
    const params = { logN: stored.logN, r: stored.r, p: stored.p, salt: new Uint8Array(Buffer.from(stored.salt, 'base64')) }
    if (!saneScryptParams(params)) throw new LikenessError('StoreCorrupt', 'The stored admin PIN is damaged.')
    return timingSafeEqual(await deriveKey(pin, params), Buffer.from(stored.hash, 'base64'))
  }

  async set(pin: string | null): Promise<void> {
    if (pin === null) {
      await this.files.remove([pinFile])
      this.cached = null
      return
    }
    const params = newScryptParams(pinCost)
    const hash = await deriveKey(pin, params)
    const stored = { logN: params.logN, r: params.r, p: params.p, salt: Buffer.from(params.salt).toString('base64'), hash: Buffer.from(hash).toString('base64') }
    await this.files.write(pinFile, new TextEncoder().encode(JSON.stringify(stored)))
    this.cached = stored
  }

  private async stored(): Promise<z.infer<typeof storedPin> | null> {
    if (this.cached !== undefined) return this.cached
    try {
      const parsed = storedPin.safeParse(JSON.parse(new TextDecoder().decode(await this.files.read(pinFile))))
      if (!parsed.success) throw new LikenessError('StoreCorrupt', 'The stored admin PIN is damaged.')
      this.cached = parsed.data
    } catch (error) {
      if (!(error instanceof LikenessError && error.kind === 'NotFound')) throw error
      this.cached = null
    }
    return this.cached
  }
}
