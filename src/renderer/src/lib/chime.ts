let context: AudioContext | null = null

/**
 * A short two-note chime for a check-in, made with Web Audio (no sound file to ship): a rising
 * fifth, soft attack and decay, about 0.4 s. Silent where the page may not play audio yet
 * (no user gesture on a fresh page): the welcome on screen and in the live region still shows.
 */
export function chime(): void {
  try {
    context ??= new AudioContext()
    const start = context.currentTime
    for (const [i, frequency] of [659.25, 987.77].entries()) {
      const tone = context.createOscillator()
      const gain = context.createGain()
      tone.type = 'sine'
      tone.frequency.value = frequency
      const at = start + i * 0.14
      gain.gain.setValueAtTime(0, at)
      gain.gain.linearRampToValueAtTime(0.2, at + 0.02)
      gain.gain.exponentialRampToValueAtTime(0.001, at + 0.3)
      tone.connect(gain).connect(context.destination)
      tone.start(at)
      tone.stop(at + 0.32)
    }
  } catch {
    // No audio output: nothing to do.
  }
}
