import type { VerificationMetrics } from '../../shared/api/train'
import { auc, eer, pairTrials, rocCurve, tarAtFar, type Trials } from '../face/calibrate'

/** Enough ROC points to draw the curve; the full curve has one per distinct value. */
const rocPointsKept = 200

/** AUC, EER, TAR at FAR 1e-2 and 1e-3, and a thinned ROC curve, for one way of comparing faces. */
export function verificationMetrics(trials: Trials): VerificationMetrics {
  const roc = rocCurve(trials)
  const stride = Math.max(1, Math.ceil(roc.length / rocPointsKept))
  return {
    auc: auc(trials),
    eer: eer(trials).eer,
    tarAtFar1e2: tarAtFar(trials, 1e-2).tar,
    tarAtFar1e3: tarAtFar(trials, 1e-3).tar,
    roc: roc.filter((_, i) => i % stride === 0 || i === roc.length - 1).map(({ far, tar }) => ({ far, tar }))
  }
}

/** Plain squared distance between L2-normalised embeddings, the geometry the triplet loss trains. */
export function distanceMetrics(embeddings: readonly Float32Array[], labels: readonly string[]): VerificationMetrics {
  return verificationMetrics(pairTrials(embeddings.map(unit), labels))
}

function unit(v: Float32Array): Float32Array {
  let norm = 0
  for (const x of v) norm += x * x
  norm = Math.sqrt(norm) || 1
  return v.map((x) => x / norm)
}
