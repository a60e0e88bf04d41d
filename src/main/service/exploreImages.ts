import { createHash } from 'node:crypto'
import { readdir, readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import path from 'node:path'
import { LikenessError } from '../../shared/errors'
import type { ImageSet } from '../../shared/api/explore'
import { galleryScanKey, type ImageRef } from '../store/exploreScans'
import type { GalleryStore } from '../store/galleryStore'
import { isImageFile } from '../image/extensions'

const requireHere = createRequire(import.meta.url)
/** A scan reads every image into memory before spreading it over the workers. */
const maxImagesPerScan = 2000

export interface ResolvedSet {
  /** Which set, independent of its content: the cache key beside network and layer. */
  key: string
  images: ImageRef[]
}

/** face-api's demo photos: the images shipped with the app's npm packages. */
function sampleDir(): string {
  return path.join(path.dirname(requireHere.resolve('@vladmandic/face-api/package.json')), 'demo')
}

async function imagesIn(folder: string, pattern?: RegExp): Promise<ImageRef[]> {
  let names: string[]
  try {
    names = await readdir(folder)
  } catch {
    throw new LikenessError('NotFound', `Cannot read the folder ${folder}.`, { folder })
  }
  return names
    .filter((name) => isImageFile(name) && (!pattern || pattern.test(name)))
    .sort()
    .map((name) => ({ name, path: path.join(folder, name) }))
}

/** The images of a set, in a stable order: the scan's image indices point into this list. */
export async function resolveImageSet(set: ImageSet, gallery: GalleryStore): Promise<ResolvedSet> {
  let resolved: ResolvedSet
  if (set.kind === 'gallery') {
    const names = new Map(gallery.people().map((person) => [person.id, person.name]))
    const photos = gallery.photos()
    resolved = { key: galleryScanKey, images: photos.map((photo, i) => ({ name: `${names.get(photo.personId) ?? 'photo'} ${i + 1}`, store: photo.file })) }
  } else if (set.kind === 'samples') {
    resolved = { key: 'samples', images: await imagesIn(sampleDir(), /^sample/) }
  } else {
    const folder = path.resolve(set.path)
    resolved = { key: `folder:${folder}`, images: await imagesIn(folder) }
  }
  if (resolved.images.length === 0) throw new LikenessError('BadRequest', 'The image set has no images in it.', { set: resolved.key })
  if (resolved.images.length > maxImagesPerScan) {
    throw new LikenessError('BadRequest', `A scan takes at most ${maxImagesPerScan} images.`, { images: resolved.images.length })
  }
  return resolved
}

export async function readSetImage(ref: ImageRef, gallery: GalleryStore): Promise<Uint8Array> {
  if (ref.store) return gallery.readPhotoFile(ref.store)
  try {
    return new Uint8Array(await readFile(ref.path!))
  } catch {
    throw new LikenessError('NotFound', `Cannot read ${ref.path}; the image set has changed since it was scanned.`, { file: ref.path })
  }
}

// sha256 over every image's name and bytes: a renamed, added, removed or edited image changes it.
export function setHash(images: readonly ImageRef[], bytes: readonly Uint8Array[]): string {
  const hash = createHash('sha256')
  images.forEach((image, i) => {
    hash.update(image.name).update('\0')
    hash.update(createHash('sha256').update(bytes[i]).digest())
  })
  return hash.digest('hex')
}
