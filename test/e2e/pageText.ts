import AxeBuilder from '@axe-core/playwright'
import { expect, type Page } from '@playwright/test'

/** Every view, by its place in the URL. */
export const viewIds = ['checkin', 'enroll', 'verify', 'gallery', 'attendance', 'train', 'studio', 'explorer', 'convlab', 'settings'] as const

/** Waits until a view has drawn what it loads from the main process. */
export async function settled(page: Page, view: string): Promise<void> {
  await expect(page.locator('h1')).toBeVisible()
  const ready: Partial<Record<string, string>> = { settings: 'backend', studio: 'run', explorer: 'layer-0', gallery: 'gallery-count', attendance: 'attendance-summary' }
  if (ready[view]) await expect(page.getByTestId(ready[view]!)).toBeVisible()
  if (view === 'convlab') await expect(page.getByTestId('stack-1d').getByTestId('shape').first()).not.toHaveText('—')
}

/**
 * Words that stay as they are in a Chinese window: the app's name, units, model and method names,
 * metrics and file formats. People's names, file names, layer names and the service's technical
 * messages are marked translate="no" or lang="en" in the page and never reach this list.
 */
const kept = new Set(
  'Likeness px MB CSV PNG JPEG WAV SSD MobileNet Tiny InceptionV3 MobileNetV2 VGG19 L-BFGS Adam SWAG softmax Gram Sobel AUC EER TAR FAR ROC Gatys dlib nH nW nC TV PIN PostgreSQL'.split(' ')
)

/**
 * The English words a reader would see, or hear from a screen reader, in the page: text that is
 * drawn (or visually hidden for screen readers), the options of visible selects, and the names
 * given by aria-label, alt, title and placeholder; not what is marked translate="no" or lang="en".
 */
export async function englishWords(page: Page): Promise<string[]> {
  const texts = await page.evaluate(() => {
    const exempt = (element: Element | null): boolean => !!element?.closest('[translate="no"], [lang^="en"], script, style')
    const shown = (element: Element): boolean => element.checkVisibility({ visibilityProperty: true })
    const found: string[] = []
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT)
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement
      if (!parent || exempt(parent)) continue
      const inSvg = parent.closest('svg')
      const inSelect = parent.closest('select')
      const visible = inSelect ? shown(inSelect) : inSvg ? shown(inSvg) : shown(parent)
      if (visible) found.push(node.textContent ?? '')
    }
    for (const element of Array.from(document.body.querySelectorAll('[aria-label], [alt], [title], [placeholder]'))) {
      if (exempt(element) || !(shown(element) || element.closest('svg'))) continue
      for (const name of ['aria-label', 'alt', 'title', 'placeholder']) {
        const value = element.getAttribute(name)
        if (value) found.push(value)
      }
    }
    return found
  })
  // A token with a digit or an underscore is an identifier (mixed4, conv256, f1, VGG19), not a word.
  const tokens = texts.flatMap((text) => text.split(/[^A-Za-z0-9_'’-]+/))
  const words = tokens.map((t) => t.replace(/^[-'’]+|[-'’]+$/g, '')).filter((t) => /^[A-Za-z][A-Za-z'’-]*[A-Za-z]$/.test(t))
  return [...new Set(words.filter((word) => !kept.has(word)))]
}

/** axe-core over the page (WCAG 2.1 A and AA): the violations that are serious or critical. */
export async function seriousViolations(page: Page): Promise<{ id: string; impact: string; targets: string[] }[]> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze()
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ id: v.id, impact: v.impact!, targets: v.nodes.map((n) => n.target.join(' ')) }))
}
