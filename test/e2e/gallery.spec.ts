import { expect, test, type Page } from '@playwright/test'
import { mkdtemp } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import sharp from 'sharp'
import { Store } from '../../src/main/store'
import { stockEncoder } from '../../src/main/store/schema'
import { descriptorDimension } from '../../src/shared/api/face'
import { keysOf } from '../support/keys'
import { appUrl, startServer } from './app'
import { englishWords, seriousViolations } from './pageText'

// A gallery of 10,000 people (random unit templates, small plain photos) written into a data folder
// of its own through the store, and a server of its own on it. Not imported through the Gallery:
// an import holds every photo to the enrollment rule, and these are not faces.
const people = 10_000
const given = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Frances', 'John', 'Margaret', 'Tim']
const family = ['伟', '芳', '娜', '敏', '静', '丽', '强', '磊', '军', '洋']
const nameOf = (i: number): string => (i % 2 === 0 ? `${given[(i / 2) % 10]} ${String(i).padStart(5, '0')}` : `${'王李张刘陈'[i % 5]}${family[(i >> 1) % 10]}${String(i).padStart(5, '0')}`)

async function fullGallery(): Promise<string> {
  const photos = await Promise.all(
    Array.from({ length: 8 }, (_, i) => sharp({ create: { width: 16, height: 16, channels: 3, background: { r: 40 * i, g: 200 - 20 * i, b: 120 } } }).jpeg().toBuffer())
  )
  let seed = 7
  const random = (): number => ((seed = (seed * 48271) % 2147483647) / 2147483647) * 2 - 1
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'likeness-10k-'))
  const store = await Store.open(dataDir, keysOf(dataDir))
  await store.gallery.addTemplateBatches(
    Array.from({ length: people }, (_, i) => {
      const descriptor = Float32Array.from({ length: descriptorDimension }, random)
      const norm = Math.hypot(...descriptor)
      const photo = new Uint8Array(photos[i % photos.length]!)
      return {
        target: { name: nameOf(i), createdAt: Date.UTC(2025, 0, 1) + i * 60_000 },
        templates: [{ templateId: `t${i}`, photoId: `p${i}`, encoder: stockEncoder, descriptor: descriptor.map((v) => v / norm), photo, thumbnail: photo }]
      }
    })
  )
  await store.close()
  return dataDir
}

const viewport = (page: Page) => page.getByTestId('people-list').locator('.viewport')
const rows = (page: Page) => page.getByTestId('person')

/** Erases everything through Settings, as a user would; returns what the view said. */
async function eraseAll(page: Page): Promise<string> {
  await page.goto(appUrl('settings'))
  await page.getByTestId('wipe').click()
  await page.getByTestId('confirm-wipe').click()
  await expect(page.getByTestId('wipe-result')).toContainText('Erased')
  return (await page.getByTestId('wipe-result').textContent()) ?? ''
}

test.describe.configure({ mode: 'serial' })

test('erasing all biometric data from Settings empties the Gallery', async ({ page }) => {
  await eraseAll(page)
  await page.goto(appUrl('gallery'))
  await expect(page.getByTestId('gallery-count')).toHaveText('0 people')
  await expect(rows(page)).toHaveCount(0)
})

let full: Awaited<ReturnType<typeof startServer>> | undefined
const fullUrl = (view: string): string => `${full!.url}#/${view}`

test('10,000 people: listed, searched, sorted and scrolled through a list that keeps a screenful in the page', async ({ page }) => {
  test.setTimeout(600_000)
  full = await startServer({ LIKENESS_DATA_DIR: await fullGallery() })
  await page.goto(fullUrl('gallery'))
  await expect(page.getByTestId('gallery-count')).toHaveText('10,000 people')

  // A screenful of rows, however long the list.
  const inPage = await rows(page).count()
  expect(inPage).toBeGreaterThan(3)
  expect(inPage).toBeLessThan(60)
  await expect(rows(page).first()).toContainText('Ada 00000')

  // To the end and back: the last place in the list is drawn, still with a screenful in the page.
  await viewport(page).evaluate((el) => (el.scrollTop = el.scrollHeight))
  await expect(page.getByRole('listitem').last()).toHaveAttribute('aria-posinset', String(people))
  expect(await rows(page).count()).toBeLessThan(60)
  await viewport(page).evaluate((el) => (el.scrollTop = 0))
  await expect(rows(page).first()).toContainText('Ada 00000')

  await page.getByTestId('gallery-search').fill('tim 0')
  await expect(page.getByTestId('gallery-count')).toHaveText('500 of 10,000 people')
  await page.getByTestId('gallery-search').fill('09998')
  await expect(page.getByTestId('gallery-count')).toHaveText('1 of 10,000 people')
  await expect(rows(page)).toHaveCount(1)
  await expect(rows(page)).toContainText('1 template · 1 photo · never checked in')

  // Details beside the list: the person's photo, templates and latest check-in.
  await rows(page).getByRole('button', { name: `Details ${nameOf(9998)}` }).click()
  const panel = page.getByTestId('person-panel')
  await expect(panel.getByRole('heading', { level: 2 })).toHaveText(nameOf(9998))
  await expect(panel.locator('img')).toHaveCount(1)
  await expect(panel).toContainText('never')

  await page.getByTestId('gallery-search').fill('')
  await page.getByTestId('gallery-sort').selectOption('newest')
  await expect(rows(page).first()).toContainText(nameOf(people - 1))
  await page.getByTestId('gallery-sort').selectOption('name')
})

test('the full Gallery has no serious axe violation and no English left in Chinese', async ({ browser }) => {
  for (const locale of ['en-US', 'zh-CN']) {
    const context = await browser.newContext({ locale })
    const page = await context.newPage()
    await page.goto(fullUrl('gallery'))
    await expect(rows(page).first()).toBeVisible()
    await rows(page).first().getByRole('button').first().click()
    await expect(page.getByTestId('person-panel').locator('img')).toHaveCount(1)
    expect(await seriousViolations(page)).toEqual([])
    if (locale === 'zh-CN') expect(await englishWords(page)).toEqual([])
    await context.close()
  }
})

test.afterAll(() => full?.stop())
