import { createHash } from 'node:crypto'
import { z } from 'zod'
import { LikenessError } from '../../shared/errors'
import type { GalleryFileProblem } from '../../shared/api/checkin'
import type { StoredPerson } from '../store/galleryStore'
import { currentSchemaVersion, stockEncoder } from '../store/schema'
import { descriptorDimension } from '../../shared/api/face'
import { isEnvelope, openWithPassphrase, sealWithPassphrase, type EnvelopeProblem } from '../store/crypto/passphraseEnvelope'

/**
 * The gallery as one file, to move it to another machine or keep a backup:
 *
 *   magic "LKGALLRY" | u32 schema version | u32 header bytes H | u32 payload bytes P
 *   | header (UTF-8 JSON, H bytes) | payload (P bytes) | SHA-256 of everything before it
 *
 * All integers and descriptors little-endian. The header lists people and, per template, where
 * its descriptor (128 float32), photo and thumbnail (JPEG) lie in the payload. The lengths up
 * front tell a truncated file from a damaged one; the checksum catches any flipped byte.
 *
 * What leaves the machine is that file sealed with a passphrase the user types (magic "LKGALENC",
 * see passphraseEnvelope.ts): AES-256-GCM under scrypt(passphrase), so a lost copy reveals no face.
 */
const magic = new TextEncoder().encode('LKGALLRY')
const prefixBytes = magic.length + 12
const checksumBytes = 32

const slice = z.tuple([z.number().int().min(0), z.number().int().min(0)])
const headerSchema = z
  .object({
    exportedAt: z.number(),
    dimension: z.literal(descriptorDimension),
    people: z.array(
      z
        .object({
          name: z.string().trim().min(1).max(120),
          createdAt: z.number(),
          templates: z.array(z.object({ templateId: z.string().min(1).max(100), photoId: z.string().min(1).max(100), encoder: z.string(), descriptor: z.number().int().min(0), photo: slice, thumbnail: slice }).strict())
        })
        .strict()
    )
  })
  .strict()

type Header = z.infer<typeof headerSchema>

const envelopeMagic = new TextEncoder().encode('LKGALENC')

function refuse(problem: GalleryFileProblem, message: string): never {
  const kind = problem === 'checksum' || problem === 'truncated' ? 'ChecksumMismatch' : problem === 'needs-passphrase' || problem === 'wrong-passphrase' ? 'WrongKey' : 'Unsupported'
  throw new LikenessError(kind, message, { problem })
}

const envelopeRefusals: Record<EnvelopeProblem, [GalleryFileProblem, string]> = {
  'wrong-passphrase': ['wrong-passphrase', 'That passphrase does not open the gallery file.'],
  checksum: ['checksum', 'The gallery file is damaged: it does not decrypt.'],
  truncated: ['truncated', 'The gallery file is incomplete: it was cut short.'],
  'newer-format': ['newer-schema', 'The gallery file comes from a newer version of Likeness.'],
  malformed: ['malformed', 'The gallery file is not laid out as Likeness writes it.']
}

/** The gallery file, encrypted with the passphrase: what an export hands out. */
export function sealGalleryFile(people: readonly StoredPerson[], passphrase: string): Promise<Uint8Array> {
  return sealWithPassphrase(encodeGalleryFile(people), passphrase, envelopeMagic)
}

/** The people of an exported file, or a typed error naming the problem; nothing here touches the store. */
export async function openGalleryFile(file: Uint8Array, passphrase: string | undefined): Promise<StoredPerson[]> {
  // A file exported before exports were encrypted is the plain format itself.
  if (!isEnvelope(file, envelopeMagic)) return decodeGalleryFile(file)
  if (passphrase === undefined) refuse('needs-passphrase', 'The gallery file is encrypted: type the passphrase it was exported with.')
  const opened = await openWithPassphrase(file, passphrase)
  if (!opened.ok) refuse(...envelopeRefusals[opened.problem])
  return decodeGalleryFile(opened.plaintext)
}

function encodeGalleryFile(people: readonly StoredPerson[], exportedAt = Date.now()): Uint8Array {
  const chunks: Uint8Array[] = []
  let payloadLength = 0
  const put = (bytes: Uint8Array): [number, number] => {
    chunks.push(bytes)
    payloadLength += bytes.byteLength
    return [payloadLength - bytes.byteLength, bytes.byteLength]
  }
  const header: Header = {
    exportedAt,
    dimension: descriptorDimension,
    people: people.map((person) => ({
      name: person.name,
      createdAt: person.createdAt,
      templates: person.templates.map((t) => {
        const descriptor = new Uint8Array(descriptorDimension * 4)
        const view = new DataView(descriptor.buffer)
        t.descriptor.forEach((v, i) => view.setFloat32(i * 4, v, true))
        return { templateId: t.templateId, photoId: t.photoId, encoder: t.encoder, descriptor: put(descriptor)[0], photo: put(t.photo), thumbnail: put(t.thumbnail) }
      })
    }))
  }
  const headerBytes = new TextEncoder().encode(JSON.stringify(header))
  const file = new Uint8Array(prefixBytes + headerBytes.byteLength + payloadLength + checksumBytes)
  file.set(magic, 0)
  const view = new DataView(file.buffer)
  view.setUint32(magic.length, currentSchemaVersion, true)
  view.setUint32(magic.length + 4, headerBytes.byteLength, true)
  view.setUint32(magic.length + 8, payloadLength, true)
  file.set(headerBytes, prefixBytes)
  let offset = prefixBytes + headerBytes.byteLength
  for (const chunk of chunks) {
    file.set(chunk, offset)
    offset += chunk.byteLength
  }
  file.set(sha256(file.subarray(0, offset)), offset)
  return file
}

/** Reads a plain gallery file, or throws a typed error naming the problem. */
function decodeGalleryFile(file: Uint8Array): StoredPerson[] {
  if (file.byteLength < magic.length || magic.some((b, i) => file[i] !== b)) refuse('not-a-gallery-file', 'That file is not a Likeness gallery file.')
  if (file.byteLength < prefixBytes) refuse('truncated', 'The gallery file is incomplete: it was cut short.')
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength)
  const version = view.getUint32(magic.length, true)
  if (version > currentSchemaVersion) refuse('newer-schema', `The gallery file comes from a newer version of Likeness (format ${version}; this one reads up to ${currentSchemaVersion}).`)
  const headerLength = view.getUint32(magic.length + 4, true)
  const payloadLength = view.getUint32(magic.length + 8, true)
  const bodyEnd = prefixBytes + headerLength + payloadLength
  if (file.byteLength < bodyEnd + checksumBytes) refuse('truncated', 'The gallery file is incomplete: it was cut short.')
  if (file.byteLength > bodyEnd + checksumBytes) refuse('malformed', 'The gallery file has extra bytes at the end.')
  if (!equalBytes(sha256(file.subarray(0, bodyEnd)), file.subarray(bodyEnd))) refuse('checksum', 'The gallery file is damaged: its checksum does not match.')
  let header: Header
  try {
    header = headerSchema.parse(JSON.parse(new TextDecoder().decode(file.subarray(prefixBytes, prefixBytes + headerLength))))
  } catch {
    refuse('malformed', 'The gallery file is not laid out as Likeness writes it.')
  }
  const payload = file.subarray(prefixBytes + headerLength, bodyEnd)
  const take = ([offset, length]: [number, number]): Uint8Array => {
    if (offset + length > payload.byteLength) refuse('malformed', 'The gallery file points outside itself.')
    return payload.slice(offset, offset + length)
  }
  return header.people.map((person) => ({
    name: person.name,
    createdAt: person.createdAt,
    templates: person.templates.map((t) => {
      const bytes = take([t.descriptor, descriptorDimension * 4])
      const bytesView = new DataView(bytes.buffer)
      const descriptor = Float32Array.from({ length: descriptorDimension }, (_, i) => bytesView.getFloat32(i * 4, true))
      if (!descriptor.every(Number.isFinite)) refuse('malformed', 'The gallery file holds a template that is not a number.')
      if (t.encoder !== stockEncoder) refuse('other-encoder', 'The gallery file was made with a different face model and cannot be compared with this gallery.')
      return { templateId: t.templateId, photoId: t.photoId, encoder: t.encoder, descriptor, photo: take(t.photo), thumbnail: take(t.thumbnail) }
    })
  }))
}

function sha256(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(bytes).digest())
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && a.every((v, i) => v === b[i])
}
