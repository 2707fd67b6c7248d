// Which features a model leans on. LR: the coefficients of the standardised columns. RF:
// permutation importance, the AUC lost on held-out rows when one feature's columns are shuffled.
import type { Encoding } from './encoding.ts';
import { rocAuc } from './metrics.ts';
import { Random, shuffle } from './random.ts';

export interface Importance {
  column: string;
  value: number;
}

/** Encoded column indices of each raw feature (one for numeric, one per category for one-hot). */
export function columnBlocks(enc: Encoding): { feature: string; columns: number[] }[] {
  let next = 0;
  return enc.features.map((f) => {
    const width = f.kind === 'numeric' ? 1 : f.categories.length;
    const columns = Array.from({ length: width }, (_, j) => next + j);
    next += width;
    return { feature: f.name, columns };
  });
}

export function coefficientImportance(enc: Encoding, weights: readonly number[]): Importance[] {
  return enc.columns.map((column, j) => ({ column, value: weights[j] })).sort((a, b) => Math.abs(b.value) - Math.abs(a.value));
}

/** AUC drop per raw feature on (x, y) when its columns are permuted together across rows. */
export function permutationImportance(
  enc: Encoding,
  x: readonly number[][],
  y: readonly (0 | 1)[],
  predict: (rows: number[][]) => number[],
  seed: number,
): Map<string, number> {
  const base = rocAuc(y, predict(x.map((r) => [...r])));
  const rng = new Random(seed);
  const out = new Map<string, number>();
  for (const block of columnBlocks(enc)) {
    const perm = shuffle(
      x.map((_, i) => i),
      rng,
    );
    const shuffled = x.map((r, i) => {
      const row = [...r];
      for (const j of block.columns) row[j] = x[perm[i]][j];
      return row;
    });
    out.set(block.feature, base - rocAuc(y, predict(shuffled)));
  }
  return out;
}
