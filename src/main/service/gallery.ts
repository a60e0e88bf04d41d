import type { ServiceContext } from './context'
import type { Handlers } from './handlers'
import { decodeGalleryFile, encodeGalleryFile } from './galleryTransfer'

export function galleryHandlers({ faces }: ServiceContext): Pick<Handlers, 'gallery.export' | 'gallery.import'> {
  return {
    'gallery.export': async () => encodeGalleryFile(await faces.everyone()),
    // Decoding checks the whole file before the store is touched: a bad file changes nothing.
    'gallery.import': ({ file }) => faces.importPeople(decodeGalleryFile(file))
  }
}
