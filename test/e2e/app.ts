import type { Page } from '@playwright/test'

/** The app's address in browser mode, token included, at a given view. */
export function appUrl(view = ''): string {
  return `/?token=${process.env.LIKENESS_E2E_TOKEN}${view ? `#/${view}` : ''}`
}

export async function openView(page: Page, view: string): Promise<void> {
  await page.goto(appUrl(view))
}
