// Stratified K-fold assignment: each class is shuffled with the seed and dealt round-robin, so
// every fold holds the class ratio to within one row and the same seed gives the same folds.
import { Random, shuffle } from './random.ts';

/** The fold (0..k-1) of each row. */
export function stratifiedFolds(labels: readonly (0 | 1)[], k: number, seed: number): number[] {
  if (!Number.isInteger(k) || k < 2) throw new Error(`folds must be an integer of at least 2, got ${k}`);
  const rng = new Random(seed);
  const fold = new Array<number>(labels.length);
  let next = 0;
  for (const cls of [1, 0] as const) {
    const members = shuffle(
      labels.flatMap((y, i) => (y === cls ? [i] : [])),
      rng,
    );
    if (members.length < k) throw new Error(`${k} folds need at least ${k} rows of each class, class ${cls} has ${members.length}`);
    // Continue the deal where the other class stopped, so fold sizes differ by at most one.
    for (const i of members) fold[i] = next++ % k;
  }
  return fold;
}

/** Row indices of the training and test part of fold f. */
export function foldSplit(fold: readonly number[], f: number): { train: number[]; test: number[] } {
  const train: number[] = [];
  const test: number[] = [];
  fold.forEach((g, i) => (g === f ? test : train).push(i));
  return { train, test };
}
