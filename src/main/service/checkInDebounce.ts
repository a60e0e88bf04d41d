/**
 * Who a run of camera frames has seen steadily enough to check in. One frame is never enough:
 * a passer-by glimpsed once, or a single false match at the edge of τ, must not be logged.
 * A person counts as present when recognised in `required` of the last `window` frames; a gap
 * longer than `staleMs` between frames starts afresh (the camera stopped, the view was left).
 */
export interface DebounceRule {
  required: number
  window: number
  staleMs: number
}

/** 3 of the last 5 frames: at the 2–5 fps the engine manages on two cores, about a second. */
const defaultDebounce: DebounceRule = { required: 3, window: 5, staleMs: 10_000 }

export class CheckInDebounce {
  /** The people recognised in each of the last `window` frames, oldest first. */
  private frames: Set<string>[] = []
  private lastFrameAt: number | null = null

  constructor(private readonly rule: DebounceRule = defaultDebounce) {}

  /**
   * Records one frame's recognised people and returns those now seen in enough recent frames.
   * A person returned is forgotten from the history, so they need a fresh run to be returned again.
   */
  observe(personIds: readonly string[], at: number): string[] {
    if (this.lastFrameAt !== null && at - this.lastFrameAt > this.rule.staleMs) this.frames = []
    this.lastFrameAt = at
    this.frames.push(new Set(personIds))
    if (this.frames.length > this.rule.window) this.frames.shift()
    const steady = [...new Set(personIds)].filter((id) => this.frames.filter((frame) => frame.has(id)).length >= this.rule.required)
    for (const id of steady) for (const frame of this.frames) frame.delete(id)
    return steady
  }
}
