import { expect, test } from '@playwright/test'
import { appUrl } from './app'
import { seriousViolations, settled, viewIds } from './pageText'

// axe-core (WCAG 2.1 A/AA) over every view, in both languages and in the dark scheme too, and the
// keyboard: every control reached by Tab, each with a focus that shows.
test.describe.configure({ mode: 'serial' })

for (const { locale, colorScheme } of [
  { locale: 'en-US', colorScheme: 'light' },
  { locale: 'zh-CN', colorScheme: 'light' },
  { locale: 'en-US', colorScheme: 'dark' }
] as const) {
  test(`no serious or critical axe violation in any view (${locale}, ${colorScheme})`, async ({ browser }) => {
    const context = await browser.newContext({ locale, colorScheme })
    const page = await context.newPage()
    const found: Record<string, Awaited<ReturnType<typeof seriousViolations>>> = {}
    for (const view of viewIds) {
      await page.goto(appUrl(view))
      await settled(page, view)
      found[view] = await seriousViolations(page)
    }
    // One line per run for the record: the count per view.
    console.log(JSON.stringify({ axe: { locale, colorScheme }, serious: Object.fromEntries(viewIds.map((v) => [v, found[v]!.length])) }))
    expect(found).toEqual(Object.fromEntries(viewIds.map((v) => [v, []])))
    await context.close()
  })
}

test('every control of every view is reached by Tab, and shows where the focus is', async ({ page }) => {
  const missed: Record<string, string[]> = {}
  const unseen: Record<string, string[]> = {}
  for (const view of viewIds) {
    await page.goto(appUrl(view))
    await settled(page, view)
    const controls = await page.evaluate(() => {
      const list = Array.from(document.querySelectorAll<HTMLElement>('a[href], button, input, select, textarea, summary, [tabindex]')).filter(
        (el) => el.tabIndex >= 0 && !(el as HTMLButtonElement).disabled && !el.hidden && el.checkVisibility({ visibilityProperty: true })
      )
      return list.map((el, i) => {
        el.dataset.keyboard = String(i)
        const radio = el instanceof HTMLInputElement && el.type === 'radio' ? el.name : ''
        return { id: String(i), radio, what: `${el.tagName.toLowerCase()} ${el.getAttribute('aria-label') ?? el.textContent?.trim().slice(0, 30) ?? ''}` }
      })
    })
    const reached = new Set<string>()
    const radiosReached = new Set<string>()
    const noRing: string[] = []
    await page.locator('body').click({ position: { x: 1, y: 1 } })
    for (let step = 0; step < controls.length + 20; step++) {
      await page.keyboard.press('Tab')
      const focused = await page.evaluate(() => {
        const el = document.activeElement as HTMLElement | null
        if (!el?.dataset.keyboard) return null
        const style = getComputedStyle(el)
        const ring = (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0) || style.boxShadow !== 'none'
        return { id: el.dataset.keyboard, radio: el instanceof HTMLInputElement && el.type === 'radio' ? el.name : '', ring }
      })
      if (!focused) continue
      if (reached.has(focused.id) && reached.size > 0 && focused.id === [...reached][0]) break
      reached.add(focused.id)
      if (focused.radio) radiosReached.add(focused.radio)
      if (!focused.ring) noRing.push(focused.id)
    }
    missed[view] = controls.filter((c) => !reached.has(c.id) && !(c.radio && radiosReached.has(c.radio))).map((c) => c.what)
    unseen[view] = controls.filter((c) => noRing.includes(c.id)).map((c) => c.what)
  }
  expect(missed).toEqual(Object.fromEntries(viewIds.map((v) => [v, []])))
  expect(unseen).toEqual(Object.fromEntries(viewIds.map((v) => [v, []])))
})
