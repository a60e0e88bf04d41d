import { beforeAll, describe, expect, it } from 'vitest'
import { execFile } from 'node:child_process'
import { mkdtemp } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { sharedDatasets } from '../../support/datasets'
import { videoTestsUnavailable } from '../../support/videoClips'

// `npm run -s cli -- watch` on a real face video (../shared/datasets/video, cut and converted by
// ffmpeg into a temporary folder at test time): the built CLI, a process per command.
const cliScript = path.resolve('out/main/cli.js')
const unavailable = await videoTestsUnavailable()
if (unavailable) console.warn(`cli watch tests ${unavailable}`)

const run = promisify(execFile)

describe.skipIf(unavailable !== null)('cli watch', () => {
  let dataDir: string
  let clips: string
  const cli = async (args: string[], env: Record<string, string> = {}): Promise<{ code: number; lines: unknown[] }> => {
    const result = await run(process.execPath, [cliScript, ...args, '--json'], { env: { ...process.env, LIKENESS_DATA_DIR: dataDir, LIKENESS_BACKEND: 'wasm', ...env }, maxBuffer: 64 << 20 }).catch(
      (error: { code: number; stdout: string }) => ({ stdout: error.stdout, code: error.code })
    )
    return { code: 'code' in result ? result.code : 0, lines: result.stdout.trim().split('\n').map((line) => JSON.parse(line) as unknown) }
  }

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'likeness-watch-'))
    clips = await mkdtemp(path.join(os.tmpdir(), 'likeness-clips-'))
    const video = path.join(sharedDatasets()!, 'video', 'd9.mp4')
    await run('ffmpeg', ['-v', 'error', '-ss', '18', '-i', video, '-frames:v', '1', path.join(clips, 'd9.jpg')])
    // d9 blinks 0.4–0.7 s in: two seconds hold the blink
    await run('ffmpeg', ['-v', 'error', '-t', '2', '-i', video, '-vf', 'scale=640:480:force_original_aspect_ratio=decrease,pad=640:480:-1:-1', '-pix_fmt', 'yuv420p', path.join(clips, 'd9.y4m')])
    await run('ffmpeg', ['-v', 'error', '-t', '2', '-i', video, '-c', 'copy', path.join(clips, 'd9.mp4')])
    expect((await cli(['enroll', 'd9', path.join(clips, 'd9.jpg')])).code).toBe(0)
  })

  it('--dry-run: a line for the track, then the summary with its check-in, and nothing in the log', async () => {
    const { code, lines } = await cli(['watch', path.join(clips, 'd9.y4m'), '--dry-run'])
    expect(code).toBe(0)
    const [track, summary] = lines as [Record<string, unknown>, { frames: number; fps: number; tracks: unknown[]; checkIns: { personName: string }[] }]
    expect(lines).toHaveLength(2)
    expect(track).toMatchObject({ firstFrame: expect.any(Number), name: 'd9', live: true, checkedIn: true, liveness: { verdict: 'live', blinkSeenAt: expect.any(Number) } })
    expect(summary.frames).toBeGreaterThanOrEqual(48)
    expect(summary.fps).toBeGreaterThan(0)
    expect(summary.tracks).toEqual([track])
    expect(summary.checkIns.map((c) => c.personName)).toEqual(['d9'])
    expect((await cli(['checkins'])).lines.at(-1)).toEqual([])
  })

  it('logs the check-in without --dry-run (an .mp4 through ffmpeg), and says so clearly when ffmpeg is missing', async () => {
    const { lines } = await cli(['watch', path.join(clips, 'd9.mp4')])
    expect((lines.at(-1) as { checkIns: { personName: string }[] }).checkIns.map((c) => c.personName)).toEqual(['d9'])
    expect((await cli(['checkins'])).lines.at(-1)).toEqual([expect.objectContaining({ personName: 'd9', liveness: expect.objectContaining({ mode: 'blink' }) })])
    const missing = await cli(['watch', path.join(clips, 'd9.mp4')], { LIKENESS_FFMPEG: path.join(clips, 'no-ffmpeg') })
    expect(missing.code).toBe(1)
    expect(missing.lines.at(-1)).toMatchObject({ error: { kind: 'Unsupported', message: expect.stringContaining('not installed') } })
  })

  it('verify on a video verifies as at the camera: a verdict from the live session, then it stops', async () => {
    const { code, lines } = await cli(['verify', 'd9', path.join(clips, 'd9.y4m')])
    expect(code).toBe(0)
    const [answer] = lines as [{ frames: number; verdict: { match: boolean; distance: number; liveness: string } | null; threshold: number; name: string }]
    expect(answer).toMatchObject({ name: 'd9', verdict: { match: true, liveness: 'live' } })
    expect(answer.verdict!.distance).toBeLessThanOrEqual(answer.threshold)
    // it stopped at the verdict, before the clip's last frame
    expect(answer.frames).toBeLessThan(48)
  })
})
