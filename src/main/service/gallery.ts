import type { ServiceContext } from './context'
import type { Handlers } from './handlers'
import { openGalleryFile, sealGalleryFile } from './galleryTransfer'

export function galleryHandlers({ faces }: ServiceContext): Pick<Handlers, 'gallery.export' | 'gallery.import'> {
  return {
    'gallery.export': async ({ passphrase }) => sealGalleryFile(await faces.everyone(), passphrase),
    // Opening checks the passphrase and the whole file before the store is touched: a bad one changes nothing.
    'gallery.import': async ({ file, passphrase }) => faces.importPeople(await openGalleryFile(file, passphrase))
  }
}
