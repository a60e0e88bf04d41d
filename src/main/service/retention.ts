import type { Store } from '../store'

const day = 24 * 60 * 60 * 1000

/**
 * Storage limitation (GDPR Art. 5(1)(e)): check-ins and their pictures older than the retention
 * setting are deleted when the service opens and once a day after, so a desk that runs for months
 * keeps only the last N days of faces at the door.
 */
export class CheckInRetention {
  private timer: NodeJS.Timeout | undefined

  constructor(
    private readonly store: Store,
    /** Told what each run removed, or why it failed: the audit log keeps it. */
    private readonly onRun: (outcome: { removed: number; cutoff: number } | { error: string }) => Promise<void>
  ) {}

  start(): Promise<void> {
    this.timer = setInterval(() => void this.runAndReport(), day)
    // A daily chore must not keep the CLI's process alive.
    this.timer.unref()
    return this.runAndReport()
  }

  stop(): void {
    clearInterval(this.timer)
  }

  /** Deletes what is older than N days at `now`: a check-in exactly N days old stays. Returns how many went. */
  async run(now = Date.now()): Promise<number> {
    const cutoff = now - this.store.settings.get().checkInRetentionDays * day
    const removed = await this.store.checkIns.removeBefore(cutoff)
    if (removed > 0) await this.onRun({ removed, cutoff })
    return removed
  }

  private async runAndReport(): Promise<void> {
    try {
      await this.run()
    } catch (error) {
      // The next day tries again; meanwhile the audit log shows that deleting failed.
      await this.onRun({ error: (error as Error).message }).catch(() => undefined)
    }
  }
}
