import type { Box } from '../../../shared/geometry'

/** A box to draw over the camera picture, with its caption. */
export interface OverlayFace {
  box: Box
  label: string
  tone: 'known' | 'unknown' | 'plain'
  /** What a screen reader says of this face (a name, "unknown face"), without the changing figures of `label`. */
  spoken?: string
}
