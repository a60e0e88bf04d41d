import { expect, test } from '@playwright/test'
import { mkdtempSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { appUrl, startServer } from './app'
import { englishWords, settled, viewIds } from './pageText'

test.describe.configure({ mode: 'serial' })

test('a Chinese system gets every view in Chinese: no English word left but names, units and model names', async ({ browser }) => {
  const context = await browser.newContext({ locale: 'zh-CN' })
  const page = await context.newPage()
  const left: Record<string, string[]> = {}
  for (const view of viewIds) {
    await page.goto(appUrl(view))
    await settled(page, view)
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('zh-CN')
    left[view] = await englishWords(page)
  }
  expect(left).toEqual(Object.fromEntries(viewIds.map((v) => [v, []])))
  await expect(page.getByRole('navigation').getByRole('link', { name: '签到', exact: true })).toBeVisible()
  await context.close()
})

test('Settings changes the language at once, keeps it, and can hand it back to the system', async ({ browser }) => {
  const context = await browser.newContext({ locale: 'en-US' })
  const page = await context.newPage()
  await page.goto(appUrl('settings'))
  const nav = page.getByRole('navigation')
  await expect(nav.getByRole('link', { name: 'Check-in', exact: true })).toBeVisible()
  try {
    await page.getByTestId('language').selectOption('zh-CN')
    // No reload: the same page, now in Chinese.
    await expect(nav.getByRole('link', { name: '签到', exact: true })).toBeVisible()
    await expect(page.locator('h1')).toHaveText('设置')
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('zh-CN')
    await page.goto(appUrl('gallery'))
    await expect(page.locator('h1')).toHaveText('人脸库')
  } finally {
    await page.goto(appUrl('settings'))
    await page.getByTestId('language').selectOption('system')
  }
  await expect(page.locator('h1')).toHaveText('Settings')
  await context.close()
})

test('LIKENESS_LANG=zh-CN sets the language over the system and Settings', async ({ browser }) => {
  // A second browser-mode server of its own, started as a user would with the variable set.
  const server = await startServer({ LIKENESS_LANG: 'zh-CN', LIKENESS_DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'likeness-lang-')) })
  try {
    const url = server.url
    const context = await browser.newContext({ locale: 'en-US' })
    const page = await context.newPage()
    await page.goto(`${url}#/settings`)
    await expect(page.locator('h1')).toHaveText('设置')
    await expect(page.getByTestId('language')).toBeDisabled()
    await expect(page.getByTestId('language-forced')).toContainText('LIKENESS_LANG')
    await context.close()
  } finally {
    server.stop()
  }
})
