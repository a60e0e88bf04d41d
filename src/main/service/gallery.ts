import type { ServiceContext } from './context'
import type { Handlers } from './handlers'
import { decodeGalleryFile, encodeGalleryFile } from './galleryTransfer'

export function galleryHandlers({ faces, jobs }: ServiceContext): Pick<Handlers, 'gallery.export' | 'gallery.import'> {
  return {
    'gallery.export': async () => encodeGalleryFile(await faces.everyone()),
    'gallery.import': async ({ file }) => {
      // Decoding checks the whole file before the job starts: a bad file is refused at once and changes nothing.
      const people = decodeGalleryFile(file)
      return jobs.start('gallery.import', 'Import a gallery file', ({ report, signal }) => faces.importPeople(people, report, signal))
    }
  }
}
