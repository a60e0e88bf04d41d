import type { Box } from '../../../shared/geometry'
import { boxCentre, iou } from '../boxes'
import type { FrameObservation } from './observeFrame'
import { minFaceScore } from './observeFrame'
import { defaultOneEuro, SmoothedBox, type OneEuroRule } from './oneEuro'

export interface TrackerRule {
  /** A detection runs at least this often (ms) to find newcomers; at once when there is no track or one was lost. */
  detectEveryMs: number
  /**
   * …and after at least this many tracked frames: a view answering 3 frames a second would
   * otherwise detect on every frame, and a detection frame costs twice a tracked one.
   */
  trackedBetweenDetections: number
  /** A track the detector has not confirmed this many detections running ends. */
  maxMissedDetections: number
  /** Two tracks whose faces overlap this much are one face: the younger ends. */
  duplicateIou: number
  smoothing: OneEuroRule
}

export const defaultTracker: TrackerRule = { detectEveryMs: 330, trackedBetweenDetections: 2, maxMissedDetections: 2, duplicateIou: 0.5, smoothing: defaultOneEuro }

export interface TrackState {
  id: number
  firstSeenAt: number
  lastSeenAt: number
  frames: number
  /** The face as measured in the last frame. */
  faceBox: Box
  /** The same, smoothed: what the overlay draws. */
  box: Box
}

interface Track extends TrackState {
  cropBox: Box
  roll: number
  /** Centre velocity of the crop in px/ms, for predicting where the face will be. */
  velocity: { x: number; y: number }
  missedDetections: number
  smoother: SmoothedBox
}

export interface TrackUpdate {
  /** The track each observed face belongs to now, aligned with observation.faces; null for a face dropped. */
  assigned: (number | null)[]
  started: TrackState[]
  ended: TrackState[]
}

const snapshot = ({ id, firstSeenAt, lastSeenAt, frames, faceBox, box }: Track): TrackState => ({ id, firstSeenAt, lastSeenAt, frames, faceBox, box })

/**
 * Faces followed from frame to frame. A tracked frame runs FaceMesh on the crop predicted from
 * the last mesh (constant velocity); the detector runs every detectEveryMs (with some tracked
 * frames between), or at once when there is no track or one was just lost. A track starts with a detection that no track explains and
 * ends when FaceMesh says the crop holds no face, when detections stop confirming it, or when it
 * duplicates an older track.
 */
export class FaceTracker {
  private readonly tracks = new Map<number, Track>()
  private nextId = 1
  private lastDetectionAt = -Infinity
  private lostOne = false
  private trackedSinceDetection = 0

  constructor(private readonly rule: TrackerRule = defaultTracker) {}

  get current(): TrackState[] {
    return [...this.tracks.values()].map(snapshot)
  }

  needsDetection(at: number): boolean {
    if (this.tracks.size === 0 || this.lostOne) return true
    return at - this.lastDetectionAt >= this.rule.detectEveryMs && this.trackedSinceDetection >= this.rule.trackedBetweenDetections
  }

  /** Where each track's face should be in a frame taken at `at`. */
  predictedCrops(at: number): { trackId: number; cropBox: Box; roll: number }[] {
    return [...this.tracks.values()].map((t) => {
      const dt = Math.max(0, at - t.lastSeenAt)
      return { trackId: t.id, roll: t.roll, cropBox: { ...t.cropBox, x: t.cropBox.x + t.velocity.x * dt, y: t.cropBox.y + t.velocity.y * dt } }
    })
  }

  update(observation: FrameObservation, at: number): TrackUpdate {
    const ended: Track[] = []
    const started: Track[] = []
    const end = (track: Track): void => {
      this.tracks.delete(track.id)
      ended.push(track)
    }
    const assigned = observation.faces.map((face) => {
      const present = face.faceScore >= minFaceScore
      if (face.trackId !== null) {
        const track = this.tracks.get(face.trackId)
        if (!track) return null
        if (!present) {
          end(track)
          return null
        }
        if (observation.detected) track.missedDetections = face.detectionScore === null ? track.missedDetections + 1 : 0
        if (track.missedDetections >= this.rule.maxMissedDetections) {
          end(track)
          return null
        }
        this.move(track, face, at)
        return track.id
      }
      if (!present || [...this.tracks.values()].some((t) => iou(t.faceBox, face.faceBox) >= this.rule.duplicateIou)) return null
      const track: Track = {
        id: this.nextId++,
        firstSeenAt: at,
        lastSeenAt: at,
        frames: 1,
        faceBox: face.faceBox,
        box: face.faceBox,
        cropBox: face.cropBox,
        roll: face.roll,
        velocity: { x: 0, y: 0 },
        missedDetections: 0,
        smoother: new SmoothedBox(this.rule.smoothing)
      }
      track.box = track.smoother.filter(face.faceBox, at)
      this.tracks.set(track.id, track)
      started.push(track)
      return track.id
    })
    // Two crops drifting onto one face: the older track keeps it.
    const byAge = [...this.tracks.values()].sort((a, b) => a.firstSeenAt - b.firstSeenAt || a.id - b.id)
    for (let i = 0; i < byAge.length; i++) {
      for (let j = i + 1; j < byAge.length; j++) {
        if (this.tracks.has(byAge[i].id) && this.tracks.has(byAge[j].id) && iou(byAge[i].faceBox, byAge[j].faceBox) >= this.rule.duplicateIou) end(byAge[j])
      }
    }
    if (observation.detected) {
      this.lastDetectionAt = at
      this.trackedSinceDetection = 0
    } else this.trackedSinceDetection++
    this.lostOne = ended.length > 0
    const gone = new Set(ended.map((t) => t.id))
    const born = new Set(started.map((t) => t.id))
    // a face that started and was dropped as a duplicate in one frame never existed for the caller
    return {
      assigned: assigned.map((id) => (id !== null && gone.has(id) ? null : id)),
      started: started.filter((t) => !gone.has(t.id)).map(snapshot),
      ended: ended.filter((t) => !born.has(t.id)).map(snapshot)
    }
  }

  private move(track: Track, { faceBox, cropBox, roll }: Pick<FrameObservation['faces'][number], 'faceBox' | 'cropBox' | 'roll'>, at: number): void {
    const dt = at - track.lastSeenAt
    if (dt > 0) {
      const [from, to] = [boxCentre(track.cropBox), boxCentre(cropBox)]
      // half the measured speed: a prediction that overshoots loses the face, one that lags only recentres
      track.velocity = { x: (0.5 * (to.x - from.x)) / dt, y: (0.5 * (to.y - from.y)) / dt }
    }
    track.faceBox = faceBox
    track.cropBox = cropBox
    track.roll = roll
    track.box = track.smoother.filter(faceBox, at)
    track.lastSeenAt = at
    track.frames++
  }
}
