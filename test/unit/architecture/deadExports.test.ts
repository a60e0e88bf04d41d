import { describe, expect, it } from 'vitest'
import { readFileSync, readdirSync } from 'node:fs'
import path from 'node:path'

// Every exported value of src/ must be used somewhere outside its own file (by src, a test or a
// benchmark): an export nobody imports is dead code that looks alive. Types are left out: an
// exported function's parameter and result types are part of its signature, used or not.
const roots = ['src', 'test', 'bench']

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) return filesUnder(full)
    return /\.(ts|svelte|mjs)$/.test(entry.name) ? [full] : []
  })
}

const exported = /^export\s+(?:declare\s+)?(?:async\s+)?(?:const|let|function\*?|class|enum)\s+([A-Za-z_$][\w$]*)/gm

describe('exports', () => {
  it('of values are all used outside the file that declares them', () => {
    const files = roots.flatMap((root) => filesUnder(root))
    const texts = new Map(files.map((file) => [file, readFileSync(file, 'utf8')]))
    const unused: string[] = []
    for (const [file, text] of texts) {
      if (!file.startsWith('src' + path.sep) || file.endsWith('.svelte')) continue
      for (const [, name] of text.matchAll(exported)) {
        const word = new RegExp(`\\b${name!.replace(/\$/g, '\\$')}\\b`)
        const used = [...texts].some(([other, otherText]) => other !== file && word.test(otherText))
        if (!used) unused.push(`${file}: ${name}`)
      }
    }
    expect(unused).toEqual([])
  })
})
