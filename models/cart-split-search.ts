// ml-cart (the trees inside ml-random-forest) searches a node's best split by re-partitioning the
// node's rows for every candidate threshold of every feature: O(rows²) per feature and node, and
// for one-hot columns the same threshold hundreds of times over. That made a 100-tree forest on
// 800 rows take minutes. This replaces the search with the equivalent sorted sweep: the same
// candidates (midpoints between neighbours whose values differ in label), the same criterion (sum
// of squared errors of the two sides, lower is better, first best kept), in O(rows log rows). The
// sums are computed differently, so where two splits are exactly as good the last bits of rounding
// may pick the other one: the same best error, not always the same tree.
import { RandomForestRegression } from 'ml-random-forest';

/** The node's rows transposed: one array of values per feature. */
export interface TransposedRows {
  rows: number;
  getRow(i: number): number[];
}

export interface SplitChoice {
  maxGain: number;
  maxColumn: number | undefined;
  maxValue: number | undefined;
  numberSamples: number | undefined;
}

export interface SplitSearchNode {
  bestSplit(xT: TransposedRows, y: number[]): SplitChoice;
}

export function sweepBestSplit(xT: TransposedRows, y: number[]): SplitChoice {
  let bestError = Infinity;
  let maxColumn: number | undefined;
  let maxValue: number | undefined;
  let numberSamples: number | undefined;
  const n = y.length;
  let total = 0;
  let totalSq = 0;
  for (const v of y) {
    total += v;
    totalSq += v * v;
  }
  const order = new Array<number>(n);
  for (let col = 0; col < xT.rows; col++) {
    const x = xT.getRow(col);
    for (let i = 0; i < n; i++) order[i] = i;
    order.sort((a, b) => x[a] - x[b] || a - b);
    // Rows left of `k` in sorted order have x < threshold; their running sums give both sides' SSE.
    let k = 0;
    let sum = 0;
    let sumSq = 0;
    let lastThreshold = NaN;
    for (let i = 1; i < n; i++) {
      if (y[order[i - 1]] === y[order[i]]) continue;
      const threshold = (x[order[i - 1]] + x[order[i]]) / 2;
      if (threshold === lastThreshold) continue;
      lastThreshold = threshold;
      while (k < n && x[order[k]] < threshold) {
        sum += y[order[k]];
        sumSq += y[order[k]] ** 2;
        k++;
      }
      const left = k === 0 ? 0 : sumSq - (sum * sum) / k;
      const right = k === n ? 0 : totalSq - sumSq - ((total - sum) * (total - sum)) / (n - k);
      const error = Math.max(0, left) + Math.max(0, right);
      if (error < bestError) {
        bestError = error;
        maxColumn = col;
        maxValue = threshold;
        numberSamples = n;
      }
    }
  }
  return { maxGain: bestError, maxColumn, maxValue, numberSamples };
}

/** A regression tree node of ml-cart. The class is not exported; a one-tree forest hands us one. */
export function regressionTreeNode(): SplitSearchNode {
  const probe = new RandomForestRegression({ nEstimators: 1, noOOB: true, useSampleBagging: false });
  probe.train([[0], [1], [2], [3]], [0, 1, 0, 1]);
  const root = (probe.estimators?.[0] as unknown as { root?: SplitSearchNode } | undefined)?.root;
  if (!root || typeof root.bestSplit !== 'function') throw new Error('ml-cart changed: no TreeNode.bestSplit to replace');
  return root;
}

let installed = false;

/** Installs the sweep on ml-cart's tree nodes (once per process). */
export function useFastSplitSearch(): void {
  if (installed) return;
  (Object.getPrototypeOf(regressionTreeNode()) as SplitSearchNode).bestSplit = sweepBestSplit;
  installed = true;
}
