import { LikenessError } from '../../shared/errors'
import type { NetworkLayers, ScanSummary } from '../../shared/api/explore'
import { networkInputSides, type NetworkId } from '../../shared/networks'
import type { JobProgress } from '../../shared/jobs'
import { mergeScans, type TopPatchScan } from '../explore/topPatches'
import type { Handlers } from './handlers'
import type { ServiceContext } from './context'
import type { ImageRef, ScanFile } from '../store/exploreScans'
import { readSetImage, resolveImageSet, setHash } from './exploreImages'

type ExploreMethods =
  | 'explore.layers'
  | 'explore.scan'
  | 'explore.units'
  | 'explore.source'
  | 'explore.featureMaps'
  | 'explore.convShapes'
  | 'explore.convSignal'
  | 'explore.convPhoto'
  | 'explore.convVolume'
  | 'explore.samples'

function summaryOf(scanId: string, file: ScanFile, cached: boolean): ScanSummary {
  return {
    scanId,
    network: file.network,
    layer: file.layer,
    units: file.scan.units.length,
    images: file.images.length,
    patchesPerUnit: file.scan.perUnit,
    receptiveField: file.field,
    cached,
    seconds: file.seconds
  }
}

// Contiguous shares keep each worker's image indices a range, which is what scanImages' firstImageIndex expects.
function shares<T>(items: readonly T[], count: number): { first: number; items: T[] }[] {
  const size = Math.ceil(items.length / count)
  return Array.from({ length: Math.ceil(items.length / size) }, (_, i) => ({ first: i * size, items: items.slice(i * size, (i + 1) * size) }))
}

export function exploreHandlers({ pool, store, jobs }: ServiceContext): Pick<Handlers, ExploreMethods> {
  const layerTables = new Map<string, Promise<NetworkLayers>>()

  const layers = (network: NetworkId, inputSize = networkInputSides[network]): Promise<NetworkLayers> => {
    const key = `${network}@${inputSize}`
    let table = layerTables.get(key)
    if (!table) {
      table = pool.run('explore.layers', { network, inputSize })
      layerTables.set(key, table)
      table.catch(() => layerTables.delete(key))
    }
    return table
  }

  const loadScan = (scanId: string): Promise<ScanFile> => store.scans.read(scanId)
  const readImage = (ref: ImageRef): Promise<Uint8Array> => readSetImage(ref, store.gallery)

  const scanAcrossWorkers = async (
    network: NetworkId,
    layer: string,
    bytes: Uint8Array[],
    report: (progress: JobProgress) => void,
    signal: AbortSignal
  ): Promise<TopPatchScan> => {
    // Worker 0 stays free for interactive work, so a set is split over the batch workers only.
    const parts = shares(bytes, Math.max(1, pool.size - 1))
    const done = parts.map(() => 0)
    const scans = await Promise.all(
      parts.map((part, i) =>
        pool.run('explore.scan', { network, layer, images: part.items, firstImageIndex: part.first }, {
          lane: 'batch',
          signal,
          onProgress: (progress) => {
            done[i] = progress.done
            const total = done.reduce((sum, n) => sum + n, 0)
            report({ done: total, total: bytes.length, message: `${total} of ${bytes.length} images` })
          }
        })
      )
    )
    return scans.map(({ scan }) => scan).reduce(mergeScans)
  }

  return {
    'explore.layers': ({ network, inputSize }) => layers(network, inputSize),

    'explore.scan': async ({ network, layer: askedLayer, images: set }) => {
      const table = await layers(network)
      const layer = askedLayer ?? table.defaultLayer
      const info = table.layers.find((candidate) => candidate.name === layer)
      if (!info) throw new LikenessError('NotFound', `The ${network} network has no layer called ${layer}.`, { layer, layers: table.layers.map((l) => l.name) })
      const resolved = await resolveImageSet(set, store.gallery)
      return jobs.start('explore.scan', `Top patches: ${network} ${layer}`, async ({ report, signal }) => {
        const started = performance.now()
        const bytes: Uint8Array[] = []
        for (const image of resolved.images) bytes.push(await readImage(image))
        const hash = setHash(resolved.images, bytes)
        const key = { network, layer, setKey: resolved.key }
        const cached = store.scans.find(key, hash)
        if (cached) return summaryOf(cached.id, await loadScan(cached.id), true)

        const scan = await scanAcrossWorkers(network, layer, bytes, report, signal)
        const file: ScanFile = { network, layer, field: info.receptiveField, images: resolved.images, seconds: (performance.now() - started) / 1000, scan }
        return summaryOf(await store.scans.save(key, hash, file), file, false)
      })
    },

    'explore.units': async ({ scanId, first, count }) => {
      const file = await loadScan(scanId)
      const units = Array.from({ length: Math.max(0, Math.min(count, file.scan.units.length - first)) }, (_, i) => first + i)
      const indices = [...new Set(units.flatMap((unit) => file.scan.units[unit].map((hit) => hit.imageIndex)))]
      const images: Record<number, Uint8Array> = {}
      for (const index of indices) images[index] = await readImage(imageAt(file, index))
      const tiles = units.length === 0 ? [] : await pool.run('explore.unitGrids', { network: file.network, scan: file.scan, units, images })
      return {
        scanId,
        layer: file.layer,
        totalUnits: file.scan.units.length,
        tiles: tiles.map((tile) => ({ ...tile, patches: tile.patches.map((patch) => ({ ...patch, imageName: imageAt(file, patch.imageIndex).name })) }))
      }
    },

    'explore.source': async ({ scanId, imageIndex }) => {
      const file = await loadScan(scanId)
      const ref = imageAt(file, imageIndex)
      const image = await pool.run('explore.scanImage', { network: file.network, image: await readImage(ref) })
      return { ...image, imageName: ref.name }
    },

    'explore.featureMaps': async ({ network, layer, image }) => {
      let bytes: Uint8Array
      if (image.kind === 'bytes') bytes = image.bytes
      else bytes = await readImage(imageAt(await loadScan(image.scanId), image.imageIndex))
      return pool.run('explore.featureMaps', { network, layer, image: bytes })
    },

    'explore.convShapes': (spec) => pool.run('explore.convShapes', spec),
    'explore.convSignal': (request) => pool.run('explore.convSignal', request),
    'explore.convPhoto': (request) => pool.run('explore.convPhoto', request),
    'explore.convVolume': (request) => pool.run('explore.convVolume', request),

    'explore.samples': async () => {
      const refs = await resolveImageSet({ kind: 'samples' }, store.gallery)
      return Promise.all(refs.images.map(async (ref) => ({ name: ref.name, bytes: await readImage(ref) })))
    }
  }
}

function imageAt(file: ScanFile, index: number): ImageRef {
  const ref = file.images[index]
  if (!ref) throw new LikenessError('NotFound', `The scan has no image ${index}.`, { imageIndex: index, images: file.images.length })
  return ref
}
