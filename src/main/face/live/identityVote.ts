import { median } from './median'

/** One encoding's answer from the gallery: the nearest person within τ, or null; d to the nearest template. */
export interface IdentityAnswer {
  personId: string | null
  distance: number | null
}

export interface VoteRule {
  /** Only the last `window` answers count, so a track can change hands if its face really changes. */
  window: number
  /** A name needs at least this many answers for it, and more than half of those in the window. */
  minVotes: number
}

export const defaultVote: VoteRule = { window: 7, minVotes: 2 }

export interface IdentityDecision {
  /** The voted person, or null: unknown (voted so) or undecided (no decision yet, `decided` false). */
  personId: string | null
  decided: boolean
  /** The median d of the winning answers (for unknown: of the nearest person's d). */
  distance: number | null
  /** Answers for the winner, and answers in the window. */
  votes: number
  of: number
}

/**
 * A track's identity as a vote over its encodings. A candidate (a person, or "unknown") wins
 * with ≥ minVotes answers that are a strict majority of the window; until another candidate
 * wins the same way the decision stands. So one bad frame neither names nor renames anyone.
 */
export class IdentityVote {
  private answers: IdentityAnswer[] = []
  private decision: IdentityDecision = { personId: null, decided: false, distance: null, votes: 0, of: 0 }

  constructor(private readonly rule: VoteRule = defaultVote) {}

  add(answer: IdentityAnswer): IdentityDecision {
    this.answers.push(answer)
    if (this.answers.length > this.rule.window) this.answers.shift()
    const counts = new Map<string | null, number>()
    for (const a of this.answers) counts.set(a.personId, (counts.get(a.personId) ?? 0) + 1)
    const [leader, votes] = [...counts.entries()].sort((p, q) => q[1] - p[1])[0]
    const of = this.answers.length
    if (votes >= this.rule.minVotes && votes > of / 2) {
      const distances = this.answers.filter((a) => a.personId === leader && a.distance !== null).map((a) => a.distance!)
      this.decision = { personId: leader, decided: true, distance: median(distances), votes, of }
    } else {
      const standing = this.answers.filter((a) => a.personId === this.decision.personId).length
      this.decision = { ...this.decision, votes: this.decision.decided ? standing : votes, of }
    }
    return this.decision
  }

  get current(): IdentityDecision {
    return this.decision
  }
}
