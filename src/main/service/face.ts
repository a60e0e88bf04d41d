import path from 'node:path'
import { evaluateFolder } from './evaluate'
import { forgetPerson, wipeGallery } from './erasure'
import type { Handlers } from './handlers'
import type { ServiceContext } from './context'
import { LiveVerifications } from './liveVerify'

type FaceMethods =
  | 'face.detect'
  | 'face.enroll'
  | 'face.addPhotos'
  | 'face.verify'
  | 'face.verifyLive'
  | 'face.identify'
  | 'face.people'
  | 'face.roster'
  | 'face.rename'
  | 'face.removePhoto'
  | 'face.forget'
  | 'face.photo'
  | 'face.wipe'
  | 'face.evaluate'

export function faceHandlers({ faces, pool, jobs, store, cameras }: ServiceContext): Pick<Handlers, FaceMethods> {
  const liveVerifications = new LiveVerifications(faces, store)
  return {
    'face.detect': ({ image, detector }) => faces.detect(image, detector),
    'face.enroll': ({ name, images, faceIndex }) => faces.enroll({ name }, images, faceIndex),
    'face.addPhotos': ({ personId, images, faceIndex }) => faces.enroll({ personId }, images, faceIndex),
    'face.verify': ({ personId, image }) => faces.verify(personId, image),
    'face.verifyLive': ({ session, at, frame, personId }) => {
      cameras.frameSeen()
      return liveVerifications.frame(session, at, frame, personId)
    },
    'face.identify': async ({ image, k }) => {
      const { analyzed: _analyzed, ...identification } = await faces.identify(image, k)
      return identification
    },
    'face.people': async () => faces.people(),
    'face.roster': async () => faces.roster(),
    'face.rename': ({ personId, name }) => faces.rename(personId, name),
    'face.removePhoto': ({ photoId }) => faces.removePhoto(photoId),
    'face.forget': ({ personId }) => forgetPerson(faces, store, personId),
    'face.photo': ({ photoId, kind }) => faces.photo(photoId, kind),
    'face.wipe': () => wipeGallery(faces, store),
    'face.evaluate': async ({ folder, detector }) =>
      jobs.start('face.evaluate', `Evaluate ${path.basename(folder)}`, ({ report, signal }) =>
        evaluateFolder(pool, folder, detector ?? store.settings.get().detector, report, signal)
      )
  }
}
