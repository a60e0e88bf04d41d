import type { ServiceContext } from './context'
import type { Handlers } from './handlers'
import { openGalleryFile, sealGalleryFile } from './galleryTransfer'

export function galleryHandlers({ faces, jobs }: ServiceContext): Pick<Handlers, 'gallery.export' | 'gallery.import'> {
  return {
    'gallery.export': async ({ passphrase }) => sealGalleryFile(await faces.everyone(), passphrase),
    'gallery.import': async ({ file, passphrase }) => {
      // Opening checks the passphrase and the whole file before the job starts: a bad one is refused at once and changes nothing.
      const people = await openGalleryFile(file, passphrase)
      return jobs.start('gallery.import', 'Import a gallery file', ({ report, signal }) => faces.importPeople(people, report, signal))
    }
  }
}
