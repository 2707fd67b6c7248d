// Figures of a benchmark run several times (`npm run bench -- --repeat N`): the median of each, and
// its range. On a shared machine one run can be a quarter off the next; the median of a few is the
// figure to compare, the range says how far to trust it.

export interface RepeatedFigure {
  median: number;
  min: number;
  max: number;
  runs: number;
}

export function summarizeRuns(runs: Record<string, number>[]): Record<string, RepeatedFigure> {
  const keys = [...new Set(runs.flatMap((r) => Object.keys(r)))];
  const out: Record<string, RepeatedFigure> = {};
  for (const key of keys) {
    const values = runs
      .map((r) => r[key])
      .filter((v): v is number => typeof v === 'number' && Number.isFinite(v))
      .sort((a, b) => a - b);
    if (values.length === 0) continue;
    const mid = values.length >> 1;
    const median = values.length % 2 === 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
    // Counts stay whole numbers: the mean of two middle counts is rounded.
    out[key] = {
      median: values.every(Number.isInteger) ? Math.round(median) : median,
      min: values[0],
      max: values[values.length - 1],
      runs: values.length,
    };
  }
  return out;
}
