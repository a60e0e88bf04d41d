import { expect, test } from '@playwright/test'
import { appUrl } from './app'

test('the explorer scans the shipped photos and shows unit grids; a patch opens its source', async ({ page }) => {
  await page.goto(appUrl('explorer'))
  await page.getByTestId('network').selectOption('mobilenet')
  await page.getByTestId('layer-0').selectOption('Conv1_relu')
  await page.getByTestId('image-set').selectOption('samples')
  await page.getByTestId('scan').click()
  const tiles = page.getByTestId('unit-grid').getByTestId('unit-tile')
  await expect(tiles.first()).toBeVisible({ timeout: 120_000 })
  await expect(tiles).toHaveCount(12)
  await tiles.first().getByRole('button').first().click()
  await expect(page.getByTestId('source')).toContainText(/sample\d\.jpg/)
  await expect(page.getByTestId('feature-maps')).toContainText('32 channels')
})

test("the conv lab shows the seed's shapes and parameter counts", async ({ page }) => {
  await page.goto(appUrl('convlab'))
  const expected: Record<string, [string[], string[]]> = {
    '1d': [['10×16', '6×32'], ['96', '2,592']],
    '2d': [['10×10×16', '6×6×32'], ['1,216', '12,832']],
    '3d': [['10×10×10×16', '6×6×6×32'], ['2,016', '64,032']]
  }
  for (const [dimensions, [shapes, parameters]] of Object.entries(expected)) {
    const stack = page.getByTestId(`stack-${dimensions}`)
    await expect(stack.getByTestId('shape')).toHaveText(shapes, { timeout: 60_000 })
    await expect(stack.getByTestId('params')).toHaveText(parameters)
  }
})
