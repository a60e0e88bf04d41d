import type { RgbImage } from '../../src/main/image/decode'
import { sampleBilinear, type PixelMap } from '../../src/main/image/sample'
import { seededRandom } from '../../src/main/engine/random'

/**
 * Presentation attacks made from live video, for the liveness evaluation and the tests: what a
 * camera at the front desk would see when someone holds up a print of a person, or replays a
 * video of them on a phone or tablet. Deterministic for a seed.
 */

/** Where a flat thing held in front of the camera is at one moment: it moves only rigidly. */
interface Pose {
  /** Its centre in the camera frame. */
  x: number
  y: number
  /** In-plane rotation (radians), size in the frame over its own size, and tilt about its horizontal axis. */
  angle: number
  scale: number
  tilt: number
}

interface Light {
  /** Overall gain, and a left-to-right gradient across the object (a lamp to one side). */
  gain: number
  gradient: number
  gamma: number
}

const wave = (random: () => number, amplitude: number): ((t: number) => number) => {
  const period = 1500 + 3000 * random()
  const phase = 2 * Math.PI * random()
  return (t) => amplitude * Math.sin((2 * Math.PI * t) / period + phase)
}

/** The camera-frame → object map of a pose: a point (u, v) of the frame lands on the object at the returned map. */
function inversePose(pose: Pose, objectWidth: number, objectHeight: number): PixelMap {
  const cos = Math.cos(pose.angle)
  const sin = Math.sin(pose.angle)
  // object = centre + diag(1/s, 1/(s·cos tilt)) · R(−angle) · (frame − pose)
  const sx = 1 / pose.scale
  const sy = 1 / (pose.scale * Math.cos(pose.tilt))
  const xu = cos * sx
  const xv = sin * sx
  const yu = -sin * sy
  const yv = cos * sy
  return { xu, xv, x0: objectWidth / 2 - (xu * pose.x + xv * pose.y), yu, yv, y0: objectHeight / 2 - (yu * pose.x + yv * pose.y) }
}

const clampByte = (value: number): number => (value < 0 ? 0 : value > 255 ? 255 : Math.round(value))

/** Gaussian sensor noise of σ = 2 grey levels (Box–Muller), drawn from a table: a frame needs a million draws. */
const noiseTable = (() => {
  const random = seededRandom(2024)
  return Float32Array.from({ length: 1 << 16 }, () => 2 * Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random()))
})()

/**
 * Draws `object` (a picture) at `pose` over `background`: each frame pixel inside the object takes
 * the object's colour through `shade` (lighting, screen effects), the rest the background's; then
 * sensor noise on everything.
 */
function composite(
  object: RgbImage,
  background: RgbImage,
  pose: Pose,
  shade: (rgb: [number, number, number], objectX: number, objectY: number, frameX: number, frameY: number) => [number, number, number],
  random: () => number
): RgbImage {
  const { width, height } = background
  const map = inversePose(pose, object.width, object.height)
  const sampled = new Float32Array(width * height * 3)
  sampleBilinear(object, map, { width, height }, sampled, 0)
  const data = new Uint8Array(width * height * 3)
  for (let v = 0; v < height; v++) {
    for (let u = 0; u < width; u++) {
      const i = (v * width + u) * 3
      const ox = map.xu * u + map.xv * v + map.x0
      const oy = map.yu * u + map.yv * v + map.y0
      const inside = ox >= 0 && oy >= 0 && ox <= object.width - 1 && oy <= object.height - 1
      const rgb: [number, number, number] = inside
        ? shade([sampled[i] * 255, sampled[i + 1] * 255, sampled[i + 2] * 255], ox / object.width, oy / object.height, u, v)
        : [background.data[i], background.data[i + 1], background.data[i + 2]]
      const start = Math.floor(random() * (noiseTable.length - 3))
      for (let c = 0; c < 3; c++) data[i + c] = clampByte(rgb[c] + noiseTable[start + c])
    }
  }
  return { width, height, data }
}

export interface SpoofFrame {
  image: RgbImage
  /** Where the print or screen is in the frame (its pose), for tests. */
  pose: Pose
}

/** How far a print is turned in the plane and tilted back (radians, the amplitudes of slow waves). */
export interface PrintSwing {
  turn: number
  tilt: number
  /**
   * Flexed about its vertical axis, back and forth between flat and curled so far that its left
   * and right edges turn this far away (radians): no print here is bent unless asked.
   */
  bend?: number
}

/** bench:liveness's prints: turned up to ±0.2 rad (11°), tilted back up to 0.45 rad (26°). */
const gentleSwing: PrintSwing = { turn: 0.2, tilt: 0.45 }

/**
 * A still frame held up like a print: moved, turned in the plane, brought nearer and further and
 * tilted back and forth (all rigidly: a print cannot blink or change expression), lit unevenly
 * by a light that brightens and dims, in front of `background`.
 */
export function printAttack(still: RgbImage, background: RgbImage, seed: number, swing: PrintSwing = gentleSwing): (atMs: number) => SpoofFrame {
  const random = seededRandom(seed)
  const size = 0.6 + 0.3 * random()
  const [dx, dy, turn, near, tilt, gain] = [wave(random, 30), wave(random, 20), wave(random, swing.turn), wave(random, 0.1), wave(random, swing.tilt), wave(random, 0.25)]
  const light: Light = { gain: 1, gradient: (random() - 0.5) * 0.5, gamma: 0.9 + 0.2 * random() }
  const noiseRandom = seededRandom(seed + 1)
  // drawn after the rest, so that a seed's print moves as it did before bending existed
  const bend = wave(random, swing.bend ?? 0)
  return (t) => {
    const print = swing.bend ? curled(still, Math.abs(bend(t))) : still
    const pose: Pose = {
      x: background.width / 2 + dx(t),
      y: background.height / 2 + dy(t),
      angle: turn(t),
      scale: (size * background.width) / still.width * (1 + near(t)),
      tilt: Math.abs(tilt(t))
    }
    const lit = { ...light, gain: 1 + gain(t) }
    const shade = (rgb: [number, number, number], ox: number): [number, number, number] => {
      const factor = lit.gain * (1 + lit.gradient * (ox - 0.5))
      return rgb.map((c) => 255 * Math.pow(c / 255, lit.gamma) * factor) as [number, number, number]
    }
    return { image: composite(print, background, pose, shade, noiseRandom), pose }
  }
}

/**
 * A picture curled about its vertical middle line, seen from the front: a column at arc length s
 * from the middle lands at R·sin(s/R), R chosen so that the edges turn `edgeAngle` away. The
 * result is the narrower picture the camera sees, at the same pixel scale.
 */
function curled(picture: RgbImage, edgeAngle: number): RgbImage {
  const half = picture.width / 2
  if (edgeAngle < 1e-3) return picture
  const radius = half / edgeAngle
  const width = Math.max(1, Math.floor(2 * radius * Math.sin(edgeAngle)))
  const data = new Uint8Array(width * picture.height * 3)
  for (let x = 0; x < width; x++) {
    const s = half + radius * Math.asin(Math.min(1, Math.max(-1, (x + 0.5 - width / 2) / radius))) - 0.5
    const x0 = Math.min(picture.width - 1, Math.max(0, Math.floor(s)))
    const x1 = Math.min(picture.width - 1, x0 + 1)
    const f = Math.min(1, Math.max(0, s - x0))
    for (let y = 0; y < picture.height; y++) {
      const row = y * picture.width
      for (let c = 0; c < 3; c++) data[(y * width + x) * 3 + c] = Math.round((1 - f) * picture.data[(row + x0) * 3 + c] + f * picture.data[(row + x1) * 3 + c])
    }
  }
  return { width, height: picture.height, data }
}

/** A video frame as a screen shows it: inside a dark bezel, lower contrast, raised black, cooler white. */
function onScreen(frame: RgbImage, bezel: number): RgbImage {
  const border = Math.round(bezel * frame.width)
  const width = frame.width + 2 * border
  const height = frame.height + 2 * border
  const data = new Uint8Array(width * height * 3).fill(22)
  const tint = [0.95, 1, 1.06]
  for (let y = 0; y < frame.height; y++) {
    for (let x = 0; x < frame.width; x++) {
      const from = (y * frame.width + x) * 3
      const to = ((y + border) * width + x + border) * 3
      for (let c = 0; c < 3; c++) data[to + c] = clampByte(18 + 0.85 * frame.data[from + c] * tint[c])
    }
  }
  return { width, height, data }
}

/**
 * The video re-shown on a screen held up to the camera: each video frame inside a dark bezel,
 * with the screen's lower contrast, raised black and cooler white, moiré (two fine gratings near
 * the display's pixel pitch beating against each other), a glare spot that drifts, and the small
 * motion of a hand holding a tablet.
 */
export function screenReplay(background: RgbImage, seed: number): (frame: RgbImage, atMs: number) => SpoofFrame {
  const random = seededRandom(seed)
  const size = 0.75 + 0.2 * random()
  const [dx, dy, turn, tilt, glareX, glareY] = [wave(random, 10), wave(random, 8), wave(random, 0.05), wave(random, 0.2), wave(random, 0.3), wave(random, 0.2)]
  const pitch = [2.6 + random(), 2.9 + random()]
  const angles = [random() * 0.2, -random() * 0.2]
  const moire = 0.06 + 0.06 * random()
  const glare = { strength: 60 + 60 * random(), radius: 0.12 + 0.1 * random() }
  const noiseRandom = seededRandom(seed + 1)
  return (frame, t) => {
    const screen = onScreen(frame, 0.04)
    const pose: Pose = {
      x: background.width / 2 + dx(t),
      y: background.height / 2 + dy(t),
      angle: turn(t),
      scale: (size * background.width) / screen.width,
      tilt: Math.abs(tilt(t))
    }
    const [gx, gy] = [0.5 + glareX(t), 0.4 + glareY(t)]
    const shade = (rgb: [number, number, number], ox: number, oy: number, u: number, v: number): [number, number, number] => {
      const grating = pitch.map((p, k) => 1 + moire * Math.cos((2 * Math.PI * (u * Math.cos(angles[k]) + v * Math.sin(angles[k]))) / p))
      const spot = glare.strength * Math.exp(-((ox - gx) ** 2 + (oy - gy) ** 2) / (2 * glare.radius ** 2))
      return rgb.map((c) => c * grating[0] * grating[1] + spot) as [number, number, number]
    }
    return { image: composite(screen, background, pose, shade, noiseRandom), pose }
  }
}
