import { expect, test } from '@playwright/test'
import { appUrl } from './app'

test('kiosk mode: the admin views ask for the PIN, a wrong one is refused, leaving them locks again', async ({ page }) => {
  await page.goto(appUrl('settings'))
  await page.getByTestId('new-pin').fill('2468')
  await page.getByTestId('set-pin').click()
  await expect(page.getByTestId('kiosk-mode')).toBeEnabled()
  await page.getByTestId('kiosk-mode').check()
  await expect(page.getByTestId('audit-log')).toContainText('settings')

  const nav = page.getByRole('navigation', { name: 'Likeness' })
  await nav.getByRole('link', { name: 'Check-in', exact: true }).click()
  await nav.getByRole('link', { name: 'Gallery', exact: true }).click()
  await expect(page.getByTestId('admin-pin-form')).toBeVisible()
  await expect(page.getByTestId('people')).toHaveCount(0)
  await page.getByTestId('admin-pin').fill('1111')
  await page.getByRole('button', { name: 'Unlock' }).click()
  await expect(page.getByTestId('admin-pin-problem')).toHaveText('That is not the admin PIN.')
  await page.getByTestId('admin-pin').fill('2468')
  await page.getByRole('button', { name: 'Unlock' }).click()
  await expect(page.getByTestId('gallery-count')).toBeVisible()

  // Between admin views the session holds; a view anyone may use locks it.
  await nav.getByRole('link', { name: 'Settings', exact: true }).click()
  await expect(page.getByTestId('privacy-settings')).toBeVisible()
  await nav.getByRole('link', { name: 'Verify', exact: true }).click()
  await nav.getByRole('link', { name: 'Enroll', exact: true }).click()
  await expect(page.getByTestId('admin-pin-form')).toBeVisible()

  await nav.getByRole('link', { name: 'Settings', exact: true }).click()
  await page.getByTestId('admin-pin').fill('2468')
  await page.getByRole('button', { name: 'Unlock' }).click()
  await page.getByTestId('kiosk-mode').uncheck()
  await expect(page.getByTestId('admin-lock')).toHaveCount(0)
  await expect(page.getByTestId('audit-log')).toContainText('admin-unlock-refused')
})
