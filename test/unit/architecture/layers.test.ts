import { describe, expect, it } from 'vitest'
import { readFileSync, readdirSync } from 'node:fs'
import path from 'node:path'

/**
 * Imports only look down (ARCHITECTURE.md): the contract knows nothing of main or the renderer;
 * engines know nothing of workers, storage or IPC; the store and the model registry know no
 * worker or service; the worker side knows no store or service; the service knows nothing of
 * Electron, sockets or the command line. Each layer lists what it may import besides itself.
 */
const engines = ['main/face', 'main/style', 'main/explore', 'main/train']
const base = ['shared', 'main/engine', 'main/image']
const allowed: Record<string, string[]> = {
  shared: [],
  'main/engine': ['shared'],
  'main/image': ['shared', 'main/engine'],
  ...Object.fromEntries(engines.map((engine) => [engine, [...base, ...engines]])),
  'main/models': [...base, ...engines],
  'main/store': [...base, ...engines],
  'main/worker': [...base, ...engines, 'main/models'],
  'main/service': [...base, ...engines, 'main/models', 'main/store', 'main/worker'],
  // The hosts: Electron, the web bridge, the command line. Only they may import them.
  'main/host': [...base, ...engines, 'main/models', 'main/store', 'main/worker', 'main/service'],
  preload: ['shared'],
  renderer: ['shared']
}

/** The layer a file of src/ belongs to. */
function layerOf(file: string): string {
  const relative = path.relative('src', file).split(path.sep)
  // Outside src/: the package's own manifest (the app's version), nothing of another layer.
  if (relative[0] === '..') return 'package'
  if (relative[0] !== 'main') return relative[0]!
  const room = `main/${relative[1]}`
  return room in allowed ? room : 'main/host'
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) return filesUnder(full)
    return /\.(ts|svelte)$/.test(entry.name) ? [full] : []
  })
}

const specifiers = /(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\s*\(?\s*['"]([^'"]+)['"]/g

describe('layers', () => {
  it('every import in src/ points down or sideways, never up', () => {
    const upward: string[] = []
    for (const file of filesUnder('src')) {
      const from = layerOf(file)
      for (const match of readFileSync(file, 'utf8').matchAll(specifiers)) {
        const specifier = match[1] ?? match[2]!
        if (!specifier.startsWith('.')) {
          if (specifier === 'electron' && from !== 'main/host' && from !== 'preload') upward.push(`${file} imports electron`)
          continue
        }
        const to = layerOf(path.join(path.dirname(file), specifier))
        if (to !== from && to !== 'package' && !allowed[from]!.includes(to)) upward.push(`${file} (${from}) imports ${specifier} (${to})`)
      }
    }
    expect(upward).toEqual([])
  })

  it('knows every room of src/main, so that a new one has to be placed', () => {
    const rooms = readdirSync(path.join('src', 'main'), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => `main/${e.name}`)
    const hosts = ['main/bridge', 'main/cli']
    expect(rooms.filter((room) => !(room in allowed) && !hosts.includes(room))).toEqual([])
  })
})
