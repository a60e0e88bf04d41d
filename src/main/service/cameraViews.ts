/**
 * A camera view sends its frames (checkin.frame, face.verifyLive) several times a second; one that sent none for
 * this long has been left. Generous: a desk under load slows to a frame every second or two.
 */
const openForMs = 5_000

/** Whether a camera view is open, as the service sees it: from when it last saw a frame. */
export class CameraViews {
  private lastFrameAt = -Infinity

  constructor(private readonly now: () => number = () => performance.now()) {}

  frameSeen(): void {
    this.lastFrameAt = this.now()
  }

  open(): boolean {
    return this.now() - this.lastFrameAt < openForMs
  }
}
