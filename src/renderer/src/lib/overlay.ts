import type { FaceBox } from '../../../shared/api/face'

/** A box to draw over the camera picture, with its caption. */
export interface OverlayFace {
  box: FaceBox
  label: string
  tone: 'known' | 'unknown' | 'plain'
}
