import path from 'node:path'

/** File endings taken as pictures when a folder is read; anything else in the folder is ignored. */
const imageExtensions = new Set(['.jpg', '.jpeg', '.png', '.webp', '.bmp', '.gif', '.tif', '.tiff', '.avif'])

export function isImageFile(name: string): boolean {
  return imageExtensions.has(path.extname(name).toLowerCase())
}
