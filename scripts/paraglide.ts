// The renderer's message catalogs (src/renderer/messages) compiled by Paraglide JS into typed
// message functions (src/renderer/src/paraglide, generated, not committed). One set of options
// for the build (electron.vite.config.ts) and for `npm run i18n`, which type-checking runs first.
import { compile } from '@inlang/paraglide-js'
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'

export const paraglideOptions = {
  // Absolute from the repository root: Vite resolves relative paths from the renderer's root instead.
  project: resolve('src/renderer/project.inlang'),
  outdir: resolve('src/renderer/src/paraglide'),
  // The renderer decides the locale itself (lib/i18n.svelte.ts): no cookie, no URL.
  strategy: ['globalVariable', 'baseLocale'] as ('globalVariable' | 'baseLocale')[],
  emitReadme: false,
  emitPrettierIgnore: false
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await compile(paraglideOptions)
  // The inlang SDK leaves a worker open for half a minute after compiling; nothing is left to wait for.
  process.exit(0)
}
