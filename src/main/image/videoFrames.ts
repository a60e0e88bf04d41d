import { spawn } from 'node:child_process'
import { LikenessError } from '../../shared/errors'
import type { RgbImage } from './decode'
import { y4mFrames } from './y4m'

/** One decoded video frame and when it was shown, in ms from the start of the video. */
export interface VideoFrame {
  image: RgbImage
  at: number
  index: number
}

export interface FrameOptions {
  /** The frames are scaled to fit and padded with black to exactly this size (a camera's 640×480). */
  width: number
  height: number
  /** Seconds into the video to start at, and how many seconds to read at most. */
  start?: number
  duration?: number
}

const ffmpeg = process.env.LIKENESS_FFMPEG ?? 'ffmpeg'

/** The video stream's size and frame rate (ffprobe's r_frame_rate), and the file's duration in seconds. */
export async function probeVideo(file: string): Promise<{ width: number; height: number; fps: number; seconds: number }> {
  const text = await collect('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=width,height,r_frame_rate:format=duration', '-of', 'default=noprint_wrappers=1', file])
  const field = (name: string): string => text.match(new RegExp(`^${name}=(.*)$`, 'm'))?.[1]?.trim() ?? ''
  const [num, den] = field('r_frame_rate').split('/').map(Number)
  const fps = num / (den || 1)
  const [width, height, seconds] = [field('width'), field('height'), field('duration')].map(Number)
  if (!(fps > 0) || !(seconds > 0) || !(width > 0) || !(height > 0)) throw new LikenessError('Unsupported', `Cannot read the size, frame rate and length of ${file}.`, { output: text.trim() })
  return { width, height, fps, seconds }
}

function collect(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()))
    child.on('error', (error) => reject(missingTool(command, error)))
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new LikenessError('Unsupported', `${command} could not read the video.`, { code, stderr: err.slice(-400) }))))
  })
}

function missingTool(command: string, error: Error): LikenessError {
  return new LikenessError('Unsupported', `Reading this video needs ${command}, which is not installed.`, { command, cause: error.message })
}

/** Whether ffmpeg and ffprobe can be run here (tests and the bench skip without them). */
export async function ffmpegAvailable(): Promise<boolean> {
  try {
    await collect(ffmpeg, ['-version'])
    await collect('ffprobe', ['-version'])
    return true
  } catch {
    return false
  }
}

/**
 * The frames of a video file, decoded by ffmpeg into RGB at a fixed size, one at a time as the
 * pipe delivers them: a 30-second clip at 640×480 is 800 MB of pixels, never held at once.
 */
export async function* videoFrames(file: string, options: FrameOptions): AsyncGenerator<VideoFrame> {
  const { width, height } = options
  const { fps: rate } = await probeVideo(file)
  const args = ['-v', 'error', ...(options.start ? ['-ss', String(options.start)] : []), '-i', file]
  if (options.duration) args.push('-t', String(options.duration))
  args.push(
    '-vf',
    `scale=${width}:${height}:force_original_aspect_ratio=decrease,pad=${width}:${height}:(ow-iw)/2:(oh-ih)/2`,
    '-f',
    'rawvideo',
    '-pix_fmt',
    'rgb24',
    '-'
  )
  const child = spawn(ffmpeg, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const spawned = new Promise<void>((resolve, reject) => {
    child.on('spawn', resolve)
    child.on('error', (error) => reject(missingTool(ffmpeg, error)))
  })
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve))
  await spawned
  const frameBytes = width * height * 3
  let pending: Buffer = Buffer.alloc(0)
  let index = 0
  try {
    for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk])
      while (pending.length >= frameBytes) {
        const data = new Uint8Array(frameBytes)
        data.set(pending.subarray(0, frameBytes))
        pending = pending.subarray(frameBytes)
        yield { image: { width, height, data }, at: (index * 1000) / rate, index }
        index++
      }
    }
  } finally {
    if (child.exitCode === null) child.kill()
  }
  const code = await exited
  if (code !== 0 && code !== null) throw new LikenessError('Unsupported', `ffmpeg could not decode ${file}.`, { code, stderr: stderr.slice(-400) })
}

/** The front desk's camera size: what a watched video is scaled and letterboxed to. */
const deskFrame = { width: 640, height: 480 }

/**
 * A video file's frames for the front desk: `.y4m` read natively at its own size, anything else
 * decoded by ffmpeg (Unsupported when it is not installed) at 640×480.
 */
export function deskVideoFrames(file: string): AsyncGenerator<VideoFrame> {
  return file.toLowerCase().endsWith('.y4m') ? y4mFrames(file) : videoFrames(file, deskFrame)
}
