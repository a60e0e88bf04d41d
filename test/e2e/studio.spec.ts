import { expect, test } from '@playwright/test'
import { readFileSync } from 'node:fs'
import sharp from 'sharp'
import { appUrl } from './app'

/** A painting made here: swirling warm and cool bands with short diagonal strokes. */
async function painting(size = 96): Promise<Buffer> {
  const data = Buffer.alloc(size * size * 3)
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const u = x / size - 0.5
      const v = y / size - 0.5
      const swirl = Math.sin(18 * Math.hypot(u, v) + 4 * Math.atan2(v, u))
      const stroke = Math.sin((x + y) * 1.3) * Math.sin((x - y) * 0.35)
      const i = (y * size + x) * 3
      data[i] = Math.round(128 + 100 * swirl + 20 * stroke)
      data[i + 1] = Math.round(110 + 60 * Math.sin(7 * u + 3 * swirl) + 25 * stroke)
      data[i + 2] = Math.round(140 - 90 * swirl + 15 * stroke)
    }
  }
  return sharp(data, { raw: { width: size, height: size, channels: 3 } }).png().toBuffer()
}

test('the studio paints a photo: live preview, loss chart, history; a long run can be cancelled', async ({ page }) => {
  await page.goto(appUrl('studio'))
  await page.getByRole('radio', { name: /MobileNetV2/ }).check()
  await page.getByTestId('content-drop').setInputFiles({
    name: 'sample1.jpg',
    mimeType: 'image/jpeg',
    buffer: readFileSync('node_modules/@vladmandic/face-api/demo/sample1.jpg')
  })
  await page.getByTestId('style-drop').setInputFiles({ name: 'painting.png', mimeType: 'image/png', buffer: await painting() })
  await expect(page.getByTestId('content-image')).toBeVisible()
  await expect(page.getByTestId('style-image')).toHaveCount(1)
  await page.getByTestId('size').fill('64')
  await page.getByTestId('iterations').fill('10')
  await page.getByTestId('run').click()

  await expect(page.getByTestId('preview')).toBeVisible({ timeout: 120_000 })
  await expect(page.getByTestId('plot')).toBeVisible()
  await expect(page.getByTestId('run-state')).toHaveText('Run done.', { timeout: 120_000 })
  await expect(page.getByTestId('history').getByRole('button', { name: /Open the mobilenet result of 10 iterations/ })).toBeVisible()

  await page.getByTestId('iterations').fill('1000')
  await page.getByTestId('run').click()
  await expect(page.getByTestId('cancel')).toBeEnabled()
  // Once an iteration is done the stopped run has a picture to keep and resume from.
  await expect(page.getByRole('main').getByText(/iteration \d+ of 1,000/)).toBeVisible({ timeout: 120_000 })
  await page.getByTestId('cancel').click()
  await expect(page.getByTestId('run-state')).toHaveText('Run cancelled.', { timeout: 60_000 })
  await expect(page.getByTestId('resume')).toBeVisible()

  // The history shows small thumbnails, not the results themselves, and lets each one's URL go with its entry.
  const entries = page.getByTestId('history-entry')
  const count = await entries.count()
  const thumbnail = entries.first().locator('img')
  await expect(thumbnail).toBeVisible()
  const shown = await thumbnail.evaluate((img: HTMLImageElement) => ({ src: img.src, side: Math.max(img.naturalWidth, img.naturalHeight) }))
  expect(shown.side).toBeLessThanOrEqual(240)
  await entries.first().getByRole('button', { name: 'Delete this result' }).click()
  await expect(entries).toHaveCount(count - 1)
  expect(await page.evaluate((url) => fetch(url).then(() => 'still held', () => 'freed'), shown.src)).toBe('freed')
})
