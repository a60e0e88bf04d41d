// README screenshots, English and Chinese: `npx tsx scripts/screenshots.ts` (after `npm run build`).
// Serves browser mode on a scratch data folder, enrolls the faces of face-api's demo photos
// (MIT, in the npm package) under made-up names, checks some of them in, and photographs the
// Gallery and Attendance in each language with Debian's Chromium. Chinese text needs a CJK
// font on the machine (Debian: fonts-wqy-microhei).
import { chromium } from '@playwright/test'
import { mkdtemp, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import sharp from 'sharp'
import { startWebBridge } from '../src/main/bridge/webBridge'
import { Service } from '../src/main/service'
import { cameraFrame, cropFace, demoPhoto, holdStill } from '../test/support/faceCrops'
import { keysOf } from '../test/support/keys'

const names = ['Ada Lovelace', '李娜', 'Alan Turing', '王芳', 'Grace Hopper', '张伟', 'Edsger Dijkstra', '刘洋', 'Barbara Liskov', '陈静', 'Donald Knuth', '赵敏']

const dataDir = await mkdtemp(path.join(os.tmpdir(), 'likeness-shots-'))
const service = await Service.open({ dataDir, keys: keysOf(dataDir), workerScript: path.resolve('out/main/worker.js'), host: 'browser', backend: 'wasm' })
await service.call('settings.update', { liveness: 'off' })
const bridge = await startWebBridge({ service, rendererDir: path.resolve('out/renderer') })
try {
  let n = 0
  for (const sample of [1, 2, 3, 4]) {
    const photo = await demoPhoto(sample)
    for (const face of (await service.call('face.detect', { image: photo })).faces) {
      if (n === names.length || face.problems.length > 0) continue
      const crop = await cropFace(photo, face.box)
      const enrolled = await service.handle('face.enroll', { name: names[n]!, images: [crop] })
      if (!enrolled.ok) continue
      // Two people in three come in: three frames of a still with liveness off make a check-in.
      if (n % 3 !== 2) await holdStill(service, await cameraFrame(crop), 3, `desk-${n}`)
      n++
    }
  }
  for (const [locale, suffix] of [['en-US', 'en'], ['zh-CN', 'zh-CN']] as const) {
    // --lang too: the browser's own parts (the date field) follow its UI language, not the page's.
    const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', `--lang=${locale}`] })
    const page = await browser.newPage({ locale, viewport: { width: 1100, height: 640 } })
    await page.goto(`${bridge.url}#/gallery`)
    await page.getByTestId('person').first().getByRole('button').first().click()
    await page.getByTestId('person-panel').locator('img').first().waitFor()
    await page.waitForTimeout(500)
    await shoot(await page.screenshot(), `gallery-${suffix}.png`)
    await page.goto(`${bridge.url}#/attendance`)
    await page.getByTestId('presence').first().waitFor()
    await shoot(await page.screenshot(), `attendance-${suffix}.png`)
    await browser.close()
  }
} finally {
  await bridge.close()
  await service.close()
}

/** A palette PNG: a screenful of flat UI colours fits in far less than the repository's 1 MB limit. */
async function shoot(png: Buffer, name: string): Promise<void> {
  const small = await sharp(png).png({ palette: true, quality: 90, compressionLevel: 9 }).toBuffer()
  await writeFile(path.join('docs/screenshots', name), small)
  console.log(name, `${Math.round(small.byteLength / 1024)} kB`)
}
