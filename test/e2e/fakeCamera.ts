import { writeFile } from 'node:fs/promises'
import sharp from 'sharp'
import { chromium, type Browser } from '@playwright/test'
import { chromiumArgs } from '../../playwright.config'
import type { RgbImage } from '../../src/main/image/decode'

/**
 * A Y4M video for Chromium's fake camera: `frames` copies of one picture as raw I420 (4:2:0).
 * Chromium loops the file, so the camera shows the picture for as long as the test runs.
 */
export async function writeY4m(file: string, picture: Uint8Array, width: number, height: number, frames = 5, fps = 10): Promise<void> {
  const rgb = new Uint8Array(await sharp(picture).resize(width, height, { fit: 'cover' }).removeAlpha().raw().toBuffer())
  await writeY4mFrames(file, Array.from({ length: frames }, () => ({ width, height, data: rgb })), fps)
}

/** A Y4M video of the given RGB frames (even width and height), for Chromium's fake camera. */
export async function writeY4mFrames(file: string, frames: readonly RgbImage[], fps: number): Promise<void> {
  const { width, height } = frames[0]!
  const header = Buffer.from(`YUV4MPEG2 W${width} H${height} F${fps}:1 Ip A1:1 C420jpeg\n`)
  await writeFile(file, Buffer.concat([header, ...frames.map(({ data: rgb }) => i420Frame(rgb, width, height))]))
}

function i420Frame(rgb: Uint8Array, width: number, height: number): Buffer {
  const y = new Uint8Array(width * height)
  const u = new Uint8Array((width / 2) * (height / 2))
  const v = new Uint8Array((width / 2) * (height / 2))
  for (let i = 0; i < width * height; i++) {
    const [r, g, b] = [rgb[3 * i]!, rgb[3 * i + 1]!, rgb[3 * i + 2]!]
    // BT.601 full range, as the C420jpeg tag declares.
    y[i] = clamp(0.299 * r + 0.587 * g + 0.114 * b)
  }
  for (let row = 0; row < height / 2; row++) {
    for (let col = 0; col < width / 2; col++) {
      let [r, g, b] = [0, 0, 0]
      for (const [dy, dx] of [[0, 0], [0, 1], [1, 0], [1, 1]] as const) {
        const i = (2 * row + dy) * width + 2 * col + dx
        r += rgb[3 * i]! / 4
        g += rgb[3 * i + 1]! / 4
        b += rgb[3 * i + 2]! / 4
      }
      u[row * (width / 2) + col] = clamp(128 - 0.168736 * r - 0.331264 * g + 0.5 * b)
      v[row * (width / 2) + col] = clamp(128 + 0.5 * r - 0.418688 * g - 0.081312 * b)
    }
  }
  return Buffer.concat([Buffer.from('FRAME\n'), y, u, v])
}

const clamp = (value: number): number => Math.max(0, Math.min(255, Math.round(value)))

/** A browser whose only camera shows the given video. */
export function browserWithCamera(video: string): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [...chromiumArgs, '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${video}`]
  })
}
