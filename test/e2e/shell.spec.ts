import { expect, test } from '@playwright/test'
import { appUrl } from './app'

test('the page refuses visitors without the token', async ({ request }) => {
  const response = await request.get('/')
  expect(response.status()).toBe(401)
  const wrong = await request.get('/?token=not-the-token')
  expect(wrong.status()).toBe(401)
})

test('the shell navigates between every view', async ({ page }) => {
  await page.goto(appUrl())
  const nav = page.getByRole('navigation', { name: 'Likeness' })
  for (const label of ['Check-in', 'Enroll', 'Verify', 'Gallery', 'Attendance', 'Training lab', 'Style studio', 'Layer explorer', 'Conv lab', 'Settings']) {
    await nav.getByRole('link', { name: label, exact: true }).click()
    await expect(nav.getByRole('link', { name: label, exact: true })).toHaveAttribute('aria-current', 'page')
  }
  await expect(nav.getByText('browser mode')).toBeVisible()
})

test('settings shows the backend and warms up every engine worker with progress', async ({ page }) => {
  const states: string[] = []
  page.on('websocket', (ws) =>
    ws.on('framereceived', (frame) => {
      const text = String(frame.payload)
      if (text.includes('"engine.warmup"')) states.push(text)
    })
  )
  await page.goto(appUrl('settings'))
  await expect(page.getByTestId('backend')).toHaveText(/wasm|cpu|tensorflow/)
  await expect(page.getByTestId('workers')).toContainText('interactive')
  await page.getByTestId('warmup').click()
  await expect(page.getByTestId('warmup-result')).toContainText('per worker')
  // Progress arrived as events from the engine workers before the job finished.
  expect(states.some((s) => s.includes('"progress"'))).toBe(true)
})

test('a malformed request over the bridge gets a typed error and the service keeps serving', async ({ page }) => {
  await page.goto(appUrl('settings'))
  await expect(page.getByTestId('backend')).toBeVisible()
  const replies = await page.evaluate(async (token) => {
    const ws = new WebSocket(`ws://${location.host}/bridge?token=${token}`)
    ws.binaryType = 'arraybuffer'
    await new Promise((resolve) => (ws.onopen = resolve))
    // The wire format by hand (shared/wire.ts): u32 header length, then the JSON header; no binary parts here.
    const message = (json: string): Uint8Array => {
      const header = new TextEncoder().encode(json)
      const bytes = new Uint8Array(4 + header.length)
      new DataView(bytes.buffer).setUint32(0, header.length, true)
      bytes.set(header, 4)
      return bytes
    }
    const answers: string[] = []
    ws.onmessage = (m) => {
      const bytes = new Uint8Array(m.data as ArrayBuffer)
      answers.push(new TextDecoder().decode(bytes.subarray(4, 4 + new DataView(bytes.buffer).getUint32(0, true))))
    }
    ws.send('{"id": 6, "method": "settings.get", "request": {}}')
    ws.send(message('{not json'))
    ws.send(message(JSON.stringify({ id: 7, method: 'no.such.method', request: {} })))
    ws.send(message(JSON.stringify({ id: 8, method: 'settings.update', request: { tau: 'high' } })))
    ws.send(message(JSON.stringify({ id: 9, method: 'settings.get', request: {} })))
    await new Promise((resolve) => setTimeout(resolve, 1500))
    ws.close()
    return answers.map((a) => JSON.parse(a) as { id: number; result: { ok: boolean; error?: { kind: string } } })
  }, process.env.LIKENESS_E2E_TOKEN)
  const byId = new Map(replies.map((r) => [r.id, r.result]))
  // A text message and a header that is not JSON: both answered as malformed, without an id.
  expect(replies.filter((r) => r.id === -1).map((r) => r.result.error?.kind)).toEqual(['BadRequest', 'BadRequest'])
  expect(byId.get(7)?.error?.kind).toBe('BadRequest')
  expect(byId.get(8)?.error?.kind).toBe('BadRequest')
  expect(byId.get(9)?.ok).toBe(true)
})

test('a socket without the token is refused', async ({ page }) => {
  await page.goto(appUrl())
  const opened = await page.evaluate(
    () =>
      new Promise<boolean>((resolve) => {
        const ws = new WebSocket(`ws://${location.host}/bridge?token=wrong`)
        ws.onopen = () => resolve(true)
        ws.onerror = () => resolve(false)
      })
  )
  expect(opened).toBe(false)
})
