import { call } from './api'
import { imageUrl } from './bytes'

/**
 * Face thumbnails of gallery photos, shared by the views that show people. A list of thousands
 * shows a screenful at a time: the latest few hundred are kept, the rest let go (their object
 * URLs revoked), and a row that scrolls past before its wait is over asks for nothing.
 */
const kept = 300
const urls = new Map<string, string>()
const pending = new Map<string, Promise<string>>()

export function thumbnailUrl(photoId: string): Promise<string> {
  const known = urls.get(photoId)
  if (known) {
    // Most recently used last: Map keeps insertion order.
    urls.delete(photoId)
    urls.set(photoId, known)
    return Promise.resolve(known)
  }
  let asked = pending.get(photoId)
  if (!asked) {
    asked = call('face.photo', { photoId, kind: 'thumbnail' })
      .then((jpeg) => {
        const url = imageUrl(jpeg)
        urls.set(photoId, url)
        for (const [oldest, old] of urls) {
          if (urls.size <= kept) break
          urls.delete(oldest)
          URL.revokeObjectURL(old)
        }
        return url
      })
      .finally(() => pending.delete(photoId))
    pending.set(photoId, asked)
  }
  return asked
}

/** A photo that left the gallery: its thumbnail goes too. */
export function forgetThumbnail(photoId: string): void {
  const url = urls.get(photoId)
  if (url) URL.revokeObjectURL(url)
  urls.delete(photoId)
}
