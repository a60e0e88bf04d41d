import * as tf from '@tensorflow/tfjs'

export interface Shift {
  dy: number
  dx: number
}

/**
 * What the network sees of an image: reflect-padded by `padding` px, then a window moved by
 * `shift` (0…maxShift px each way) so the image falls differently on the network's stride grid.
 * Measured: the padding removes coloured frames at the borders, and a new random shift each
 * iteration removes speckle and grid patterns and gives long coherent strokes (notes). The window
 * has the same size for every shift, so activations, and their targets, keep one shape.
 */
export function frame(images: tf.Tensor4D, padding: number, shift: Shift, maxShift: number): tf.Tensor4D {
  return tf.tidy(() => {
    const padded = padding > 0 ? tf.mirrorPad(images, [[0, 0], [padding, padding], [padding, padding], [0, 0]], 'reflect') : images
    if (maxShift === 0) return padded.clone()
    const [, h, w] = padded.shape
    return padded.slice([0, shift.dy, shift.dx, 0], [-1, h - maxShift, w - maxShift, -1])
  })
}

/** Every shift of a window that moves 0…maxShift px each way, row by row. */
export function allShifts(maxShift: number): Shift[] {
  const shifts: Shift[] = []
  for (let dy = 0; dy <= maxShift; dy++) for (let dx = 0; dx <= maxShift; dx++) shifts.push({ dy, dx })
  return shifts
}

export function shiftKey(shift: Shift): string {
  return `${shift.dy},${shift.dx}`
}
