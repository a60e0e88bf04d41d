import { mkdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { need } from './args'
import { openPersonFile } from '../service/personExport'
import type { CliCommand } from './command'
import { findPerson } from './face'
import { exportPassphrase } from './passphrase'

export const personExportCommand: CliCommand = {
  usage: 'person-export <name> <file> [--json]',
  summary: "everything stored about one person, in a file encrypted with a passphrase you type",
  async run(service, args) {
    need(args.positional, 2, this.usage)
    const person = await findPerson(service, args.positional[0]!)
    const file = await service.call('privacy.exportPerson', { personId: person.id, passphrase: await exportPassphrase('seal') })
    await writeFile(args.positional[1]!, file)
    return { value: { file: args.positional[1], bytes: file.byteLength }, text: `${person.name}'s data: ${file.byteLength} bytes written to ${args.positional[1]}.` }
  }
}

export const personOpenCommand: CliCommand = {
  usage: 'person-open <file> <folder> [--json]',
  summary: "decrypt a person's export into a folder: person.json, their photos and check-in pictures",
  async run(_service, args) {
    need(args.positional, 2, this.usage)
    const [file, folder] = args.positional as [string, string]
    const document = await openPersonFile(new Uint8Array(await readFile(file)), await exportPassphrase('open'))
    await mkdir(folder, { recursive: true })
    const jpeg = async (name: string, base64: string): Promise<string> => {
      await writeFile(path.join(folder, name), Buffer.from(base64, 'base64'))
      return name
    }
    const photos = await Promise.all(document.photos.map(async (p) => ({ id: p.id, createdAt: p.createdAt, photo: await jpeg(`photo-${p.id}.jpg`, p.jpeg), face: await jpeg(`face-${p.id}.jpg`, p.faceJpeg) })))
    const checkIns = await Promise.all(document.checkIns.map(async (c) => ({ ...c, pictureJpeg: undefined, picture: c.pictureJpeg && (await jpeg(`checkin-${c.id}.jpg`, c.pictureJpeg)) })))
    await writeFile(path.join(folder, 'person.json'), JSON.stringify({ ...document, photos, checkIns }, null, 2))
    return { value: { folder, photos: photos.length, checkIns: checkIns.length }, text: `${document.person.name}: ${photos.length} photo(s), ${checkIns.length} check-in(s) written to ${folder}.` }
  }
}

export const auditCommand: CliCommand = {
  usage: 'audit [--last N] [--json]',
  summary: 'the audit log of admin actions (ids and counts, no names or faces)',
  async run(service, args) {
    const last = args.flags.get('last')?.at(-1)
    const log = await service.call('privacy.audit', { last: last === undefined ? undefined : Number(last) })
    const lines = log.entries.map((e) => [new Date(e.at).toISOString(), e.by, e.action, e.personId ?? '', JSON.stringify(e.detail)].join('\t'))
    return { value: log, text: [...lines, log.intact ? 'the chain of hashes holds' : 'THE CHAIN OF HASHES IS BROKEN: lines were removed or changed'].join('\n') }
  }
}
