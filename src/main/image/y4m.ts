import { open } from 'node:fs/promises'
import { LikenessError } from '../../shared/errors'
import type { RgbImage } from './decode'
import type { VideoFrame } from './videoFrames'

interface Y4mHeader {
  width: number
  height: number
  fps: number
  /** 'C420jpeg' is full-range luma and chroma; the others (C420, C420mpeg2, C420paldv, mono) are video range. */
  fullRange: boolean
  mono: boolean
}

function unsupported(file: string, why: string): LikenessError {
  return new LikenessError('Unsupported', `${file} is not a YUV4MPEG2 video Likeness reads: ${why}.`, { file })
}

function parseHeader(line: string, file: string): Y4mHeader {
  const [magic, ...fields] = line.split(' ')
  if (magic !== 'YUV4MPEG2') throw unsupported(file, 'no YUV4MPEG2 header')
  const field = (tag: string): string | undefined => fields.find((f) => f.startsWith(tag))?.slice(1)
  const width = Number(field('W'))
  const height = Number(field('H'))
  const [num, den] = (field('F') ?? '25:1').split(':').map(Number)
  const colour = field('C') ?? '420jpeg'
  if (!(width > 0 && height > 0)) throw unsupported(file, 'no frame size')
  if (!['420jpeg', '420', '420mpeg2', '420paldv', 'mono'].includes(colour)) throw unsupported(file, `colour space C${colour} (4:2:0 or mono only)`)
  if ((field('I') ?? 'p') !== 'p') throw unsupported(file, 'interlaced frames')
  return { width, height, fps: num! / (den || 1), fullRange: colour === '420jpeg', mono: colour === 'mono' }
}

// Y'CbCr → R'G'B' (BT.601), each sample expanded to full range first when the file is video range.
function toRgb(header: Y4mHeader, planes: Uint8Array): RgbImage {
  const { width, height, fullRange, mono } = header
  const cw = (width + 1) >> 1
  const ch = (height + 1) >> 1
  // clamped: the conversion overshoots 0–255 at saturated colours
  const data = new Uint8ClampedArray(width * height * 3)
  const yScale = fullRange ? 1 : 255 / 219
  const cScale = fullRange ? 1 : 255 / 224
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const luma = (planes[y * width + x]! - (fullRange ? 0 : 16)) * yScale
      const c = (y >> 1) * cw + (x >> 1)
      const cb = mono ? 0 : (planes[width * height + c]! - 128) * cScale
      const cr = mono ? 0 : (planes[width * height + cw * ch + c]! - 128) * cScale
      const o = (y * width + x) * 3
      data[o] = luma + 1.402 * cr
      data[o + 1] = luma - 0.344136 * cb - 0.714136 * cr
      data[o + 2] = luma + 1.772 * cb
    }
  }
  return { width, height, data: new Uint8Array(data.buffer) }
}

/**
 * The frames of a YUV4MPEG2 file (what Chromium's fake camera plays, and ffmpeg writes with
 * `-f yuv4mpegpipe`), read without ffmpeg: a text header, then per frame a `FRAME` line and the
 * planes. Frames come one at a time, at the file's own size, timed by its frame rate.
 */
export async function* y4mFrames(file: string): AsyncGenerator<VideoFrame> {
  const handle = await open(file, 'r').catch((error: Error) => {
    throw new LikenessError('NotFound', `Cannot open ${file}.`, { file, cause: error.message })
  })
  try {
    let position = 0
    const readLine = async (): Promise<string | null> => {
      const chunk = Buffer.alloc(1024)
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, position)
      if (bytesRead === 0) return null
      const end = chunk.subarray(0, bytesRead).indexOf(0x0a)
      if (end < 0) throw unsupported(file, 'a header line longer than 1 kB')
      position += end + 1
      return chunk.subarray(0, end).toString('latin1')
    }
    const header = parseHeader((await readLine()) ?? '', file)
    const { width, height } = header
    const planeBytes = width * height + (header.mono ? 0 : 2 * ((width + 1) >> 1) * ((height + 1) >> 1))
    for (let index = 0; ; index++) {
      const line = await readLine()
      if (line === null) return
      if (!line.startsWith('FRAME')) throw unsupported(file, `frame ${index} does not start with FRAME`)
      const planes = new Uint8Array(planeBytes)
      const { bytesRead } = await handle.read(planes, 0, planeBytes, position)
      if (bytesRead < planeBytes) return // a file cut short ends with its last whole frame
      position += planeBytes
      yield { image: toRgb(header, planes), at: (index * 1000) / header.fps, index }
    }
  } finally {
    await handle.close()
  }
}
