import type { DbData } from './schema'

/**
 * A table whose rows point into the gallery (a check-in names a person and keeps a picture of
 * them; an explorer scan of the gallery lists its photos). Its owner says here what happens to
 * them when the gallery changes; the gallery calls these inside the same write that changes it,
 * so no reference outlives what it points to. Each returns the files to delete once that write is
 * on disk.
 */
export interface GalleryDependent {
  personRenamed?(draft: DbData, personId: string, name: string): void
  personForgotten?(draft: DbData, personId: string): string[]
  photoRemoved?(draft: DbData, photoId: string): string[]
  galleryWiped?(draft: DbData): string[]
}
