import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../../src/main/engine/backend'
import { analyzeFaces } from '../../../../src/main/face/analyze'
import { Gallery } from '../../../../src/main/face/gallery'
import { IdentityVote, type IdentityAnswer } from '../../../../src/main/face/live/identityVote'
import { identifyIn } from '../../../../src/main/face/live/livePipeline'
import type { LiveModels } from '../../../../src/main/face/live/liveModels'
import type { ModelCache } from '../../../../src/main/models/cache'
import { modelCache } from '../../../support/models'
import { observeFrame } from '../../../../src/main/face/live/observeFrame'
import { videoClip, videoTestsUnavailable } from '../../../support/videoClips'

const unavailable = await videoTestsUnavailable()
if (unavailable) console.warn(`identity vote tests ${unavailable}`)

// Real answers: frames of d9 and d3 encoded on the live path and searched in a gallery where
// both people are enrolled from a frame three seconds into their videos.
describe.skipIf(unavailable !== null)('the identity of a track is a vote over its encodings', () => {
  let cache: ModelCache
  let models: LiveModels
  let d9: IdentityAnswer[]
  let d3: IdentityAnswer[]

  beforeAll(async () => {
    await initBackend('wasm')
    cache = modelCache()
    models = await cache.liveModels()
    const gallery = new Gallery()
    for (const name of ['d9', 'd3']) {
      const [enrollment] = await videoClip(name, 0.1, 3)
      const [face] = await analyzeFaces(models.face, enrollment.image, { detector: 'ssd' })
      gallery.add({ templateIds: [`${name}-t`], personIds: [name], descriptors: face.descriptor })
    }
    const identify = identifyIn(gallery, 0.36)
    const answers = async (name: string): Promise<IdentityAnswer[]> => {
      const frames = (await videoClip(name, 1.5)).filter((_, i) => i % 10 === 0)
      const descriptors = []
      for (const frame of frames) descriptors.push((await observeFrame(models, frame.image, { detect: true, follow: [] })).faces[0].descriptor!)
      return identify(descriptors)
    }
    d9 = await answers('d9')
    d3 = await answers('d3')
  })

  afterAll(() => cache.dispose())

  it('the gallery answers each frame with its own person', () => {
    expect(d9.every((a) => a.personId === 'd9')).toBe(true)
    expect(d3.every((a) => a.personId === 'd3')).toBe(true)
  })

  it('names nobody on one frame, and names after two agreeing frames', () => {
    const vote = new IdentityVote()
    expect(vote.add(d9[0]).decided).toBe(false)
    const decision = vote.add(d9[1])
    expect(decision).toMatchObject({ decided: true, personId: 'd9', votes: 2, of: 2 })
    expect(decision.distance).toBeLessThan(0.36)
  })

  it('one frame of someone else neither names them nor renames the track', () => {
    const first = new IdentityVote()
    first.add(d3[0])
    first.add(d9[0])
    expect(first.current.decided).toBe(false)
    expect(first.add(d9[1]).personId).toBe('d9')

    const named = new IdentityVote()
    named.add(d9[0])
    named.add(d9[1])
    expect(named.add(d3[0]).personId).toBe('d9')
    expect(named.add(d9[2]).personId).toBe('d9')
  })

  it('renames a track only when the other person holds a majority of the window', () => {
    const vote = new IdentityVote({ window: 5, minVotes: 2 })
    for (const answer of [d9[0], d9[1], d3[0], d3[1]]) vote.add(answer)
    expect(vote.current.personId).toBe('d9')
    expect(vote.add(d3[2]).personId).toBe('d3')
  })
})
