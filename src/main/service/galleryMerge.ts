import type { GalleryImportResult } from '../../shared/api/checkin'
import type { GalleryStore, StoredPerson } from '../store/galleryStore'

/**
 * Merges people into a gallery: someone already there (the same id when the people come from a
 * gallery being moved, otherwise the same name in any case) gets the incoming templates, anyone
 * else becomes a new person (keeping their id when they have one). Templates already there (same
 * id: the file was imported before, or the gallery moved before) are skipped. One store step for
 * all, so a failure changes nothing. `personIds` maps each incoming person's id to the one they
 * have in the gallery, for the check-ins that move with them.
 */
export async function mergeGallery(gallery: GalleryStore, people: readonly StoredPerson[]): Promise<{ result: Omit<GalleryImportResult, 'refused'>; personIds: Map<string, string> }> {
  const known = new Set(gallery.templates().map((t) => t.id))
  const ids = new Set(gallery.people().map((p) => p.id))
  const personIds = new Map<string, string>()
  let templatesSkipped = 0
  let peopleMerged = 0
  let peopleAdded = 0
  const batches = people.flatMap((person) => {
    const templates = person.templates.filter((t) => !known.has(t.templateId))
    templatesSkipped += person.templates.length - templates.length
    const existing = person.id !== undefined && ids.has(person.id) ? gallery.person(person.id) : gallery.personByName(person.name)
    if (existing) peopleMerged++
    if (person.id !== undefined) personIds.set(person.id, existing?.id ?? person.id)
    if (templates.length === 0) return []
    if (!existing) peopleAdded++
    return [{ target: existing ? { personId: existing.id } : { name: person.name, createdAt: person.createdAt, id: person.id }, templates }]
  })
  await gallery.addTemplateBatches(batches)
  return {
    result: {
      peopleAdded,
      peopleMerged,
      templatesAdded: batches.reduce((sum, b) => sum + b.templates.length, 0),
      templatesSkipped
    },
    personIds
  }
}
