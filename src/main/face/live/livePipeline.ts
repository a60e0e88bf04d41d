import type { RgbImage } from '../../image/decode'
import { unknownPerson, type Gallery } from '../gallery'
import type { Identify, LiveFrameResult, SessionRule } from './liveSession'
import { defaultSession, LiveSession } from './liveSession'
import type { LiveModels } from './liveModels'
import { observeFrame, type FrameObservation } from './observeFrame'

/** Gallery.identifyBatch at τ as the session's Identify: the nearest person within τ, or null. */
export function identifyIn(gallery: Gallery, tau: number): Identify {
  return (descriptors) =>
    gallery.identifyBatch(descriptors, 1, tau).map(({ personId, distance }) => ({ personId: personId === unknownPerson ? null : personId, distance }))
}

/**
 * Gallery.verify at τ as the session's Identify, for a verification: each encoding answers the
 * claimed person when it is within τ of their nearest template, else null, so the vote decides
 * between "this is them" and "this is not them" and never names anyone else.
 */
export function verifyAgainst(gallery: Gallery, personId: string, tau: number): Identify {
  return (descriptors) =>
    descriptors.map((descriptor) => {
      const { match, distance } = gallery.verify(descriptor, personId, tau)
      return { personId: match ? personId : null, distance }
    })
}

/**
 * The live pipeline in one process: each frame's neural work (observeFrame) and the session's
 * tracking, vote and liveness. A camera view, `cli watch` and bench:live feed it the same way;
 * only where the frames come from differs. In the app the two halves sit on either side of the
 * engine worker boundary: plan and observation are plain data.
 */
export class LivePipeline {
  private readonly session: LiveSession

  constructor(
    private readonly models: LiveModels,
    identify: Identify,
    rule: SessionRule = defaultSession
  ) {
    this.session = new LiveSession(identify, rule)
  }

  /** One frame (RGB, its capture time in ms): the tracks as they stand after it, and what the frame cost. */
  async frame(image: RgbImage, at: number): Promise<LiveFrameResult & { observation: FrameObservation }> {
    const observation = await observeFrame(this.models, image, this.session.plan(at))
    return { ...this.session.update(observation, at), observation }
  }
}
