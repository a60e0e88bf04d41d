import { readFileSync } from 'node:fs'
import path from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { analyzeFaces } from '../../../src/main/face/analyze'
import { chipTransform, extractChips, type ChipTransform } from '../../../src/main/face/align'
import type { FaceModels } from '../../../src/main/face/faceModels'
import { decodeImage } from '../../../src/main/image/decode'
import { chipSize } from '../../../src/shared/api/face'

const demoDir = path.resolve('node_modules/@vladmandic/face-api/demo')

// Rotate the chip's sampling grid by θ about the chip centre: the face turns by θ in the chip.
function rotated(t: ChipTransform, angle: number): ChipTransform {
  const cos = Math.cos(angle)
  const sin = Math.sin(angle)
  const a = t.a * cos - t.b * sin
  const b = t.a * sin + t.b * cos
  const c = chipSize / 2
  // keep the chip centre's image point where it was
  const x = t.a * c - t.b * c + t.tx
  const y = t.b * c + t.a * c + t.ty
  return { a, b, tx: x - (a * c - b * c), ty: y - (b * c + a * c) }
}

/**
 * Real faces from the group photos npm ships, each made into several "photos" of the same person:
 * the aligned chip, mirrored, turned ±6°, darker and brighter. Chips [n, 150, 150, 3] in [0, 1].
 */
export async function augmentedFaces(models: FaceModels, people: number, imagesPerPerson: number): Promise<{ chips: tf.Tensor4D; labels: string[] }> {
  const variants: tf.Tensor4D[] = []
  const labels: string[] = []
  for (const sample of ['sample1.jpg', 'sample2.jpg', 'sample3.jpg']) {
    const { image } = await decodeImage(readFileSync(path.join(demoDir, sample)), { maxPixels: 960 * 640 })
    for (const [f, face] of (await analyzeFaces(models, image, { detector: 'ssd' })).entries()) {
      if (labels.length >= people * imagesPerPerson) break
      const t = chipTransform(face.landmarks)
      const turned = extractChips(image, [t, rotated(t, 0.1), rotated(t, -0.1)])
      const all = tf.tidy(() => {
        const [plain] = tf.split(turned, 3)
        const made = tf.concat([turned, tf.reverse(plain!, 2), tf.clipByValue(plain!.mul(0.7), 0, 1), tf.clipByValue(plain!.mul(1.3), 0, 1)])
        return made.slice([0, 0, 0, 0], [imagesPerPerson, chipSize, chipSize, 3]) as tf.Tensor4D
      })
      turned.dispose()
      variants.push(all)
      labels.push(...Array.from({ length: imagesPerPerson }, () => `${sample}#${f}`))
    }
  }
  const chips = tf.concat(variants) as tf.Tensor4D
  tf.dispose(variants)
  return { chips, labels }
}
