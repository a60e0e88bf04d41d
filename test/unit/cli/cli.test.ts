import { beforeAll, describe, expect, it } from 'vitest'
import { execFile } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import sharp from 'sharp'
import { cropFace, demoPhoto } from '../../support/faceCrops'
import type { Box } from '../../../src/shared/geometry'

// The built CLI (`npm run cli`), each command a process of its own on one throw-away data folder:
// what a user running batch work sees, exit codes and JSON included.
const cliScript = path.resolve('out/main/cli.js')

interface CliRun {
  code: number
  json: unknown
}

function cli(dataDir: string, ...args: string[]): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [cliScript, ...args, '--json'], { env: { ...process.env, LIKENESS_DATA_DIR: dataDir, LIKENESS_BACKEND: 'wasm' }, maxBuffer: 64 << 20 }, (error, stdout) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0
      try {
        resolve({ code, json: JSON.parse(stdout.trim().split('\n').at(-1) ?? '') })
      } catch {
        reject(new Error(`cli ${args.join(' ')} printed no JSON (exit ${code}): ${stdout}`))
      }
    })
  })
}

describe('the command line, on real photos', () => {
  let dataDir: string
  let files: string
  // [as cut, mirrored] for three people: the largest face of demo photo 1, and two faces of demo
  // photo 6 that the encoder puts far from it (d > 0.69; some demo photos share a person, and
  // sample1's other women sit near τ from the first).
  const faces: [string, string][] = []

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'likeness-cli-'))
    files = await mkdtemp(path.join(os.tmpdir(), 'likeness-cli-files-'))
    const cut = async (n: number, which: number): Promise<void> => {
      const photo = await demoPhoto(n)
      const group = path.join(files, `group${n}.jpg`)
      await writeFile(group, photo)
      const found = (await cli(dataDir, 'identify', group)).json as { faces: { box: Box }[] }
      // left to right, so the choice does not depend on detection scores
      const { box } = [...found.faces].sort((a, b) => a.box.x - b.box.x)[which]!
      const crop = await cropFace(photo, box)
      const [asCut, mirrored] = [path.join(files, `face${faces.length}.jpg`), path.join(files, `face${faces.length}-mirrored.jpg`)]
      await writeFile(asCut, crop)
      await writeFile(mirrored, await sharp(crop).flop().jpeg().toBuffer())
      faces.push([asCut, mirrored])
    }
    await cut(1, 2)
    await cut(6, 1)
    await cut(6, 0)
  })

  it('info reports the backend and the engine workers', async () => {
    const { code, json } = await cli(dataDir, 'info')
    expect(code).toBe(0)
    const info = json as { backend: { name: string }; threads: number }
    expect(info.backend.name).toBe('wasm')
    expect(info.threads).toBeGreaterThanOrEqual(1)
  })

  it('enroll, verify, identify, people and forget work on one gallery across processes', async () => {
    expect((await cli(dataDir, 'enroll', 'Ada', faces[0]![0])).code).toBe(0)
    expect((await cli(dataDir, 'enroll', 'Bob', faces[1]![0])).code).toBe(0)
    const people = (await cli(dataDir, 'people')).json as { name: string; templateCount: number }[]
    expect(people.map((p) => [p.name, p.templateCount]).sort()).toEqual([['Ada', 1], ['Bob', 1]])

    const same = (await cli(dataDir, 'verify', 'Ada', faces[0]![1])).json as { match: boolean; distance: number; threshold: number }
    expect(same.match).toBe(true)
    expect(same.distance).toBeLessThan(same.threshold)
    expect(((await cli(dataDir, 'verify', 'Ada', faces[1]![1])).json as { match: boolean }).match).toBe(false)

    const bob = (await cli(dataDir, 'identify', faces[1]![1])).json as { faces: { name?: string }[] }
    expect(bob.faces.map((f) => f.name)).toEqual(['Bob'])
    const stranger = (await cli(dataDir, 'identify', faces[2]![0])).json as { faces: { personId: string | null; distance: number }[] }
    expect(stranger.faces.map((f) => f.personId)).toEqual([null])
    expect(stranger.faces[0]!.distance).toBeGreaterThan(0.36)

    expect((await cli(dataDir, 'forget', 'Ada')).code).toBe(0)
    const gone = await cli(dataDir, 'verify', 'Ada', faces[0]![1])
    expect(gone.code).toBe(1)
    expect((gone.json as { error: { kind: string } }).error.kind).toBe('UnknownPerson')
  })

  it('refuses a file that is not an image with a typed error and exit code 1, storing nothing', async () => {
    const text = path.join(files, 'notes.jpg')
    await writeFile(text, 'these are not pixels')
    const before = (await cli(dataDir, 'people')).json
    const refused = await cli(dataDir, 'enroll', 'Eve', text)
    expect(refused.code).toBe(1)
    expect((refused.json as { error: { kind: string } }).error.kind).toBe('NotAnImage')
    expect((await cli(dataDir, 'people')).json).toEqual(before)
  })

  it('eval scores a labelled folder in a scratch gallery', async () => {
    const labelled = path.join(files, 'labelled')
    for (const [i, pair] of faces.entries()) {
      await mkdir(path.join(labelled, `person${i}`), { recursive: true })
      for (const [j, file] of pair.entries()) await writeFile(path.join(labelled, `person${i}`, `${j}.jpg`), await sharp(file).toBuffer())
    }
    await writeFile(path.join(labelled, 'README.txt'), 'ignored')
    const before = (await cli(dataDir, 'people')).json
    const { code, json } = await cli(dataDir, 'eval', labelled)
    expect(code).toBe(0)
    expect(json).toMatchObject({ people: 3, images: 6, facesFound: 6, positivePairs: 3, negativePairs: 12, auc: 1, rank1: 1 })
    expect((await cli(dataDir, 'people')).json).toEqual(before)
  })

  it('layers lists shapes and receptive fields; top-patches writes one grid per unit', async () => {
    const table = (await cli(dataDir, 'layers', '--network', 'face')).json as { layers: { name: string; receptiveField: { size: number } }[] }
    expect(table.layers.map((l) => l.name)).toContain('conv32_down')
    const sizes = table.layers.map((l) => l.receptiveField.size)
    expect(sizes).toEqual([...sizes].sort((a, b) => a - b))

    const images = path.join(files, 'scan')
    await mkdir(images)
    for (const n of [1, 2, 3]) await writeFile(path.join(images, `sample${n}.jpg`), await demoPhoto(n))
    const out = path.join(files, 'grids')
    const { code, json } = await cli(dataDir, 'top-patches', '--network', 'face', '--layer', 'conv32_1', '--images', images, '--out', out, '--units', '3')
    expect(code).toBe(0)
    expect(json).toMatchObject({ layer: 'conv32_1', units: 3, images: 3, patchesPerUnit: 9 })
    expect(readdirSync(out).filter((f) => f.endsWith('.png'))).toHaveLength(3)
  })

  it('stylize paints a photo and reports the loss going down and the picture\'s quality figures', async () => {
    const out = path.join(files, 'painted.png')
    const painting = path.join(files, 'painting.png')
    // a test-made "painting": diagonal colour stripes
    const stripes = Buffer.alloc(96 * 96 * 3)
    for (let i = 0; i < 96 * 96; i++) stripes.set(((i % 96) + Math.floor(i / 96)) % 24 < 12 ? [220, 60, 30] : [30, 80, 200], i * 3)
    await sharp(stripes, { raw: { width: 96, height: 96, channels: 3 } }).png().toFile(painting)
    const { code, json } = await cli(dataDir, 'stylize', '--content', faces[0]![0], '--style', painting, '--network', 'mobilenet', '--size', '64', '--iterations', '8', '--out', out)
    expect(code).toBe(0)
    const result = json as { network: string; size: number; iterations: number; lossStart: number; lossEnd: number; palette: number; chromaSpeckle: number; structure: number }
    expect(result).toMatchObject({ network: 'mobilenet', size: 64, iterations: 8 })
    expect(result.lossEnd).toBeLessThan(result.lossStart)
    // The default palette match brings the stripes' two colours: far closer to them than the photo was.
    expect(result.palette).toBeLessThan(0.5)
    expect(result.chromaSpeckle).toBeGreaterThan(0)
    expect(result.structure).toBeGreaterThan(0)
    expect(result.structure).toBeLessThanOrEqual(1)
    expect(existsSync(out)).toBe(true)
    expect((await sharp(out).metadata()).width).toBeLessThanOrEqual(64)
  })
})
