/**
 * Runs `step` on camera frames as fast as the engine answers, never faster: while one request
 * is in flight the frames the camera shows are dropped, not queued, so the picture on screen
 * and the answer drawn over it stay no more than one request apart.
 */
export function startFrameLoop(step: () => Promise<boolean>, onRate: (framesPerSecond: number) => void): () => void {
  let running = true
  let inFlight = false
  const done: number[] = []
  const tick = (): void => {
    if (!running) return
    if (!inFlight) {
      inFlight = true
      step()
        .then((processed) => {
          if (!processed) return
          const now = performance.now()
          done.push(now)
          // The rate over the last five seconds of answered frames.
          while (done.length > 0 && now - done[0]! > 5000) done.shift()
          if (done.length > 1) onRate(((done.length - 1) * 1000) / (now - done[0]!))
        })
        .catch(() => undefined)
        .finally(() => {
          inFlight = false
        })
    }
    requestAnimationFrame(tick)
  }
  requestAnimationFrame(tick)
  return () => {
    running = false
  }
}
