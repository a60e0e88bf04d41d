import { imageUrl } from './bytes'

/** An image the user gave (or a saved run gave back), with the object URL that shows it. */
export interface Picture {
  name: string
  bytes: Uint8Array
  url: string
}

export function picture(name: string, bytes: Uint8Array): Picture {
  return { name, bytes, url: imageUrl(bytes) }
}

/** Frees a picture's object URL: the blob stays in memory until then. */
export function release(...pictures: (Picture | null | undefined)[]): void {
  for (const p of pictures) if (p) URL.revokeObjectURL(p.url)
}
