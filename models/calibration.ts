// Calibration by deciles of predicted probability: does a predicted 30% default one time in three?

export interface CalibrationBin {
  bin: number;
  rows: number;
  mean_predicted: number;
  observed_rate: number;
}

/** Rows sorted by prediction and cut into `bins` groups of (nearly) equal size. */
export function calibrationTable(labels: readonly (0 | 1)[], probs: readonly number[], bins = 10): CalibrationBin[] {
  const order = probs.map((_, i) => i).sort((a, b) => probs[a] - probs[b] || a - b);
  const out: CalibrationBin[] = [];
  for (let b = 0; b < bins; b++) {
    const part = order.slice(Math.floor((b * order.length) / bins), Math.floor(((b + 1) * order.length) / bins));
    if (part.length === 0) continue;
    const mean = (f: (i: number) => number) => part.reduce((s, i) => s + f(i), 0) / part.length;
    out.push({ bin: b + 1, rows: part.length, mean_predicted: mean((i) => probs[i]), observed_rate: mean((i) => labels[i]) });
  }
  return out;
}
