// Scores of probabilistic predictions against 0/1 labels.

export interface Metrics {
  auc: number;
  log_loss: number;
  brier: number;
}

/**
 * ROC AUC as the Mann–Whitney statistic: the probability that a random positive scores above a
 * random negative, ties counting one half (average ranks over tied scores).
 */
export function rocAuc(labels: readonly (0 | 1)[], scores: readonly number[]): number {
  const order = scores.map((_, i) => i).sort((a, b) => scores[a] - scores[b]);
  let positives = 0;
  let positiveRankSum = 0;
  for (let start = 0; start < order.length;) {
    let end = start;
    while (end + 1 < order.length && scores[order[end + 1]] === scores[order[start]]) end++;
    const averageRank = (start + end) / 2 + 1;
    for (let j = start; j <= end; j++) {
      if (labels[order[j]] === 1) {
        positives++;
        positiveRankSum += averageRank;
      }
    }
    start = end + 1;
  }
  const negatives = order.length - positives;
  if (positives === 0 || negatives === 0) return NaN;
  return (positiveRankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** Probabilities are clipped to [eps, 1 - eps] so one confident mistake costs a lot, not Infinity. */
export function logLoss(labels: readonly (0 | 1)[], probs: readonly number[], eps = 1e-15): number {
  let sum = 0;
  for (let i = 0; i < labels.length; i++) {
    const p = Math.min(1 - eps, Math.max(eps, probs[i]));
    sum -= labels[i] === 1 ? Math.log(p) : Math.log(1 - p);
  }
  return sum / labels.length;
}

export function brierScore(labels: readonly (0 | 1)[], probs: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < labels.length; i++) sum += (probs[i] - labels[i]) ** 2;
  return sum / labels.length;
}

export function metricsOf(labels: readonly (0 | 1)[], probs: readonly number[]): Metrics {
  return { auc: rocAuc(labels, probs), log_loss: logLoss(labels, probs), brier: brierScore(labels, probs) };
}
