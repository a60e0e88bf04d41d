import { readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { LikenessError } from '../../shared/errors'
import type { LiveVerifyResult, Person } from '../../shared/api/face'
import { deskVideoFrames } from '../image/videoFrames'
import type { Service } from '../service'
import type { CliCommand } from './command'
import { followJob } from './jobs'
import { need } from './args'
import { exportPassphrase } from './passphrase'

async function readImage(file: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(file))
  } catch {
    throw new LikenessError('NotFound', `Cannot read ${file}.`)
  }
}

const fixed = (n: number | null): string => (n === null ? '—' : n.toFixed(3))

/** The person of that name (any case), or UnknownPerson. */
export async function findPerson(service: Service, name: string): Promise<Person> {
  const people = await service.call('face.people', {})
  const person = people.find((p) => p.name.toLocaleLowerCase() === name.toLocaleLowerCase())
  if (!person) throw new LikenessError('UnknownPerson', `Nobody called ${name} is in the gallery.`)
  return person
}

export const enrollCommand: CliCommand = {
  usage: 'enroll <name> <image...> [--face N] [--json]',
  summary: 'add a person (or more photos of them) to the gallery',
  async run(service, args) {
    need(args.positional, 2, this.usage)
    const [name, ...files] = args.positional
    const faceFlag = args.flags.get('face')?.at(-1)
    const images = await Promise.all(files.map(readImage))
    const result = await service.call('face.enroll', { name: name!, images, faceIndex: faceFlag === undefined ? undefined : Number(faceFlag) - 1 })
    return { value: result, text: `${result.person.name}: ${result.templatesAdded} template(s) added, ${result.person.templateCount} in all.` }
  }
}

/** Files `verify` treats as a camera: their frames go through a live verification. */
const videoExtensions = new Set(['.y4m', '.mp4', '.webm', '.mkv', '.mov', '.avi'])

/** A live verification over a video's frames, until its verdict or the video's end (no verdict: null). */
async function verifyVideo(service: Service, personId: string, file: string): Promise<{ frames: number; result: LiveVerifyResult | null }> {
  const session = `verify-${Date.now()}`
  const start = Date.now()
  let frames = 0
  let last: LiveVerifyResult | null = null
  for await (const { image, at } of deskVideoFrames(file)) {
    last = await service.call('face.verifyLive', { session, at: start + at, frame: { width: image.width, height: image.height, rgb: image.data }, personId })
    frames++
    if (last.verdict) break
  }
  return { frames, result: last }
}

export const verifyCommand: CliCommand = {
  usage: 'verify <name> <image|video> [--json]',
  summary: 'is the face in the image this person? (1:1; a video is verified as at the camera, with the verify liveness setting)',
  async run(service, args) {
    need(args.positional, 2, this.usage)
    const [name, file] = args.positional
    const person = await findPerson(service, name!)
    if (videoExtensions.has(path.extname(file!).toLowerCase())) {
      const { frames, result } = await verifyVideo(service, person.id, file!)
      const verdict = result?.verdict ?? null
      const text =
        verdict === null
          ? `no verdict after ${frames} frames: no face decided, or no proof of life yet`
          : `${verdict.match ? 'match' : verdict.liveness === 'spoof' ? 'no match: no sign of a live face' : 'no match'}: d = ${verdict.distance.toFixed(3)} (τ = ${result!.threshold}), after ${frames} frames`
      return { value: { frames, verdict, threshold: result?.threshold ?? null, personId: person.id, name: person.name }, text }
    }
    const result = await service.call('face.verify', { personId: person.id, image: await readImage(file!) })
    return { value: result, text: `${result.match ? 'match' : 'no match'}: d = ${result.distance.toFixed(3)} (τ = ${result.threshold})` }
  }
}

export const identifyCommand: CliCommand = {
  usage: 'identify <image> [--json]',
  summary: 'who of the gallery is each face in the image? (1:K)',
  async run(service, args) {
    need(args.positional, 1, this.usage)
    const result = await service.call('face.identify', { image: await readImage(args.positional[0]!) })
    const lines = result.faces.map(
      (f, i) => `face ${i + 1} at (${Math.round(f.box.x)}, ${Math.round(f.box.y)}): ${f.name ?? 'unknown'} d = ${fixed(f.distance)}`
    )
    return { value: result, text: lines.length > 0 ? lines.join('\n') : 'no face found' }
  }
}

export const peopleCommand: CliCommand = {
  usage: 'people [--json]',
  summary: 'everyone in the gallery, with template counts',
  async run(service) {
    const people = await service.call('face.people', {})
    return { value: people, text: people.length ? people.map((p) => `${p.name}\t${p.templateCount} template(s)`).join('\n') : 'the gallery is empty' }
  }
}

export const forgetCommand: CliCommand = {
  usage: 'forget <name> [--json]',
  summary: 'erase a person, their templates, photos and check-in pictures, with a receipt',
  async run(service, args) {
    need(args.positional, 1, this.usage)
    const person = await findPerson(service, args.positional[0]!)
    const result = await service.call('face.forget', { personId: person.id })
    const { receipt } = result
    const text = [
      `${person.name} erased (${result.removedTemplates} template(s)).`,
      `receipt ${receipt.id} at ${new Date(receipt.erasedAt).toISOString()}`,
      `  ${receipt.erased.photos} photo(s), ${receipt.erased.checkInPictures} check-in picture(s), ${receipt.erased.backups} backup(s), ${receipt.erased.temporaryFiles} temporary file(s)`,
      `  ${receipt.checkInsKept} check-in(s) kept without pictures until the retention period ends`,
      `  digest ${receipt.digest} (also in the audit log)`
    ]
    return { value: { name: person.name, ...result }, text: text.join('\n') }
  }
}

export const evalCommand: CliCommand = {
  usage: 'eval <labelled-folder> [--detector ssd|tiny] [--json]',
  summary: 'accuracy on one sub-folder of images per person (scratch gallery)',
  async run(service, args) {
    need(args.positional, 1, this.usage)
    const detector = args.flags.get('detector')?.at(-1)
    if (detector !== undefined && detector !== 'ssd' && detector !== 'tiny') throw new LikenessError('BadRequest', '--detector is ssd or tiny.')
    const job = await service.call('face.evaluate', { folder: path.resolve(args.positional[0]!), detector })
    const result = await followJob(service, job)
    const text = [
      `${result.people} people, ${result.images} images, ${result.facesFound} faces found`,
      `${result.positivePairs} same-person and ${result.negativePairs} different-person pairs`,
      `AUC ${result.auc.toFixed(4)}  EER ${result.eer.toFixed(4)}  TAR@FAR1e-3 ${result.tarAtFar1e3.toFixed(4)}`,
      `best τ ${result.threshold.toFixed(4)} → balanced accuracy ${result.accuracy.toFixed(4)}`,
      `one-shot rank-1 ${result.rank1.toFixed(4)}`,
      ...result.missed.map((m) => `  missed ${m.file}: ${m.kind}`)
    ]
    return { value: result, text: text.join('\n') }
  }
}

export const checkinsCommand: CliCommand = {
  usage: 'checkins [--csv] [--json]',
  summary: 'the attendance log, newest first',
  booleanFlags: ['csv'],
  async run(service, args) {
    if (args.flags.has('csv')) {
      const csv = await service.call('checkin.csv', {})
      return { value: csv, text: csv.trimEnd() }
    }
    const log = await service.call('checkin.log', {})
    const text = log.map((c) => `${new Date(c.at).toISOString()}\t${c.personName}\td = ${c.distance.toFixed(3)}`).join('\n')
    return { value: log, text: text || 'nobody has checked in' }
  }
}

export const galleryExportCommand: CliCommand = {
  usage: 'gallery-export <file> [--json]',
  summary: 'write people, templates and photos to one file encrypted with a passphrase you type',
  async run(service, args) {
    need(args.positional, 1, this.usage)
    const file = await service.call('gallery.export', { passphrase: await exportPassphrase('seal') })
    await writeFile(args.positional[0]!, file)
    return { value: { file: args.positional[0], bytes: file.byteLength }, text: `${file.byteLength} bytes written to ${args.positional[0]}.` }
  }
}

export const galleryImportCommand: CliCommand = {
  usage: 'gallery-import <file> [--json]',
  summary: 'merge a gallery file by name (a wrong passphrase, a corrupt or newer file changes nothing)',
  async run(service, args) {
    need(args.positional, 1, this.usage)
    const file = await readImage(args.positional[0]!)
    const job = await service
      .call('gallery.import', { file, passphrase: process.env.LIKENESS_EXPORT_PASSPHRASE })
      .catch(async (error: unknown) => {
        // Asked for only when the file turns out to be encrypted: files from before need none.
        if (!(error instanceof LikenessError && error.detail?.problem === 'needs-passphrase')) throw error
        return service.call('gallery.import', { file, passphrase: await exportPassphrase('open') })
      })
    const result = await followJob(service, job)
    const refused = result.refused.map(({ name, kind }) => `  ${name}: ${kind === 'NoFace' ? 'no face found in the photo' : 'the photo falls short of the enrollment rule'}`)
    return {
      value: result,
      text: [`${result.peopleAdded} new, ${result.peopleMerged} merged by name, ${result.templatesAdded} templates added, ${result.templatesSkipped} already here, ${result.refused.length} refused.`, ...refused].join('\n')
    }
  }
}
