import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { LikenessError } from '../../shared/errors'
import { networkIds, type NetworkId } from '../../shared/networks'
import { flag, numberFlag, type ParsedArgs } from './args'
import type { CliCommand } from './command'
import { followJob } from './jobs'

function networkFlag(args: ParsedArgs, usage: string): NetworkId {
  const network = flag(args, 'network')
  if (!network || !(networkIds as readonly string[]).includes(network)) {
    throw new LikenessError('BadRequest', `--network must be one of ${networkIds.join(', ')}. usage: npm run cli -- ${usage}`)
  }
  return network as NetworkId
}

function required(args: ParsedArgs, name: string, usage: string): string {
  const value = flag(args, name)
  if (!value) throw new LikenessError('BadRequest', `--${name} is needed. usage: npm run cli -- ${usage}`)
  return value
}

const fieldText = (field: { height: number; width: number; stride: number; global: boolean }): string =>
  field.global ? 'whole image' : `${field.height}×${field.width} px, stride ${field.stride}`

export const layersCommand: CliCommand = {
  usage: 'layers --network face|inception|mobilenet|vgg19 [--size N] [--json]',
  summary: "a network's layers: output shapes and receptive fields",
  async run(service, args) {
    const network = networkFlag(args, this.usage)
    const size = flag(args, 'size') === undefined ? undefined : numberFlag(args, 'size', 224)
    const table = await service.call('explore.layers', { network, inputSize: size })
    const lines = table.layers.map((layer) => `${layer.name.padEnd(24)} ${layer.outputShape.join('×').padEnd(14)} ${fieldText(layer.receptiveField)}`)
    return { value: table, text: [`${network} at ${table.inputSize}×${table.inputSize}:`, ...lines].join('\n') }
  }
}

export const topPatchesCommand: CliCommand = {
  usage: 'top-patches --network NAME [--layer NAME] --images DIR --out DIR [--units N] [--json]',
  summary: "each unit's nine strongest image patches, one PNG grid per unit",
  async run(service, args) {
    const network = networkFlag(args, this.usage)
    const images = path.resolve(required(args, 'images', this.usage))
    const out = path.resolve(required(args, 'out', this.usage))
    const started = performance.now()
    const job = await service.call('explore.scan', { network, layer: flag(args, 'layer'), images: { kind: 'folder', path: images } })
    const summary = await followJob(service, job)
    const wanted = Math.min(summary.units, numberFlag(args, 'units', summary.units))
    await mkdir(out, { recursive: true })
    const pageSize = 32
    for (let first = 0; first < wanted; first += pageSize) {
      const page = await service.call('explore.units', { scanId: summary.scanId, first, count: Math.min(pageSize, wanted - first) })
      for (const tile of page.tiles) await writeFile(path.join(out, `unit-${String(tile.unit).padStart(4, '0')}.png`), tile.png)
    }
    const value = {
      layer: summary.layer,
      units: wanted,
      images: summary.images,
      patchesPerUnit: summary.patchesPerUnit,
      receptiveField: { size: Math.max(summary.receptiveField.height, summary.receptiveField.width), stride: summary.receptiveField.stride },
      seconds: (performance.now() - started) / 1000
    }
    return { value, text: `${summary.layer}: ${wanted} unit grids of ${summary.patchesPerUnit} patches from ${summary.images} images in ${out} (${fieldText(summary.receptiveField)})` }
  }
}
