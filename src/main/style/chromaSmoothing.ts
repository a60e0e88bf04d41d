import * as tf from '@tensorflow/tfjs'
import { rgbToYiq, yiqToRgb } from './colour'

/**
 * The networks that ship paint fine colour noise (rainbow speckle) that neither the photo nor the
 * painting has. The eye resolves colour far more coarsely than brightness (hence JPEG's halved
 * chroma), so the picture keeps its luminance Y exactly and its chroma I, Q pass through a guided
 * filter (He, Sun & Tang, "Guided image filtering", 2010) with Y as the guide: inside each window
 * chroma becomes the best linear function of Y, q = a·Y + b. Noise that does not follow the
 * brightness goes; colour edges that do follow it (a red roof against a blue sky) stay sharp.
 */
export function smoothChroma(images: tf.Tensor4D, radius: number, epsilon: number): tf.Tensor4D {
  return tf.tidy(() => {
    const yiq = rgbToYiq(images)
    const y = yiq.slice([0, 0, 0, 0], [-1, -1, -1, 1])
    const iq = yiq.slice([0, 0, 0, 1], [-1, -1, -1, 2])
    // f = the mean over a (2r+1)² window (fewer pixels at the border, padding not counted)
    const f = (x: tf.Tensor4D): tf.Tensor4D => tf.avgPool(x, 2 * radius + 1, 1, 'same')
    const meanY = f(y)
    const meanP = f(iq)
    // a = cov(Y, p) / (var(Y) + ε), b = mean(p) − a·mean(Y); the guide broadcasts over I and Q
    const covYP = f(y.mul(iq)).sub(meanY.mul(meanP))
    const varY = f(y.square()).sub(meanY.square())
    const a = covYP.div(varY.add(epsilon)) as tf.Tensor4D
    const b = meanP.sub(a.mul(meanY)) as tf.Tensor4D
    const smoothed = f(a).mul(y).add(f(b))
    return yiqToRgb(tf.concat([y, smoothed], 3) as tf.Tensor4D).clipByValue(0, 1) as tf.Tensor4D
  })
}

/**
 * What the guided filter leaves is colour that follows the brightness within each window: at print
 * sizes the networks paint it as fine coloured grain along every brush stroke (hoover tower × The
 * Scream at 512 px: chroma speckle 3.2 after the guided filter). Passes of a 3×3 mean of the
 * chroma take it out whatever Y does; Y, and with it every edge the eye sees, stays. Passes, not
 * one wider mean: a box's response at the finest frequency does not vanish (−1/3 for 3×3); and each
 * pass back in RGB, clipped to [0, 1], before the next. Measured there: one pass 1.43, a 5×5 mean
 * 1.47, two passes 1.11, the same two without the clip between them 1.42.
 */
export function blurChroma(images: tf.Tensor4D, passes: number): tf.Tensor4D {
  return tf.tidy(() => {
    let rgb = images
    for (let pass = 0; pass < passes; pass++) {
      const yiq = rgbToYiq(rgb)
      const y = yiq.slice([0, 0, 0, 0], [-1, -1, -1, 1])
      const iq = yiq.slice([0, 0, 0, 1], [-1, -1, -1, 2]) as tf.Tensor4D
      rgb = yiqToRgb(tf.concat([y, tf.avgPool(iq, 3, 1, 'same')], 3) as tf.Tensor4D).clipByValue(0, 1) as tf.Tensor4D
    }
    return rgb.clone()
  })
}
