import { expect, test } from '@playwright/test'
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import sharp from 'sharp'
import { appUrl } from './app'

/**
 * A labelled folder made here: four "people", each a demo group photo as taken, mirrored and
 * darker. The dataset step keeps the largest face of each picture, the same person in all three.
 */
async function labelledFolder(): Promise<string> {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'likeness-e2e-train-'))
  for (const n of [1, 2, 3, 4]) {
    const photo = readFileSync(`node_modules/@vladmandic/face-api/demo/sample${n}.jpg`)
    const person = path.join(folder, `person${n}`)
    mkdirSync(person)
    writeFileSync(path.join(person, 'a.jpg'), photo)
    writeFileSync(path.join(person, 'b.jpg'), await sharp(photo).flop().jpeg().toBuffer())
    writeFileSync(path.join(person, 'c.jpg'), await sharp(photo).modulate({ brightness: 0.8 }).jpeg().toBuffer())
  }
  return folder
}

test('the train view runs a head on a labelled folder with a live loss curve; a long run can be cancelled', async ({ page }) => {
  const folder = await labelledFolder()
  await page.goto(appUrl('train'))
  await page.getByTestId('train-folder').fill(folder)
  const epochs = page.getByLabel('Epochs')
  const loss = page.getByRole('img', { name: 'triplet loss per step' }).locator('polyline')

  await epochs.fill('500')
  await page.getByTestId('train-start').click()
  // The curve grows a point per step; cancel once it has a few.
  await expect(loss).toHaveAttribute('points', /(\S+\s+){2}\S+/, { timeout: 120_000 })
  await page.getByTestId('train-cancel').click()
  await expect(page.getByTestId('train-cancel')).toBeDisabled()
  await expect(page.getByTestId('train-summary')).toHaveCount(0)

  await epochs.fill('2')
  await page.getByTestId('train-start').click()
  await expect(page.getByTestId('train-summary')).toContainText('Training:', { timeout: 120_000 })
  await expect(page.getByTestId('train-metrics')).toBeVisible()
  await expect(loss).toHaveAttribute('points', /\S/)
})
