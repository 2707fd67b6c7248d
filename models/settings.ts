// The models' fixed settings. Both libraries are slow (ml-logistic-regression runs full-batch
// gradient steps through ml-matrix; ml-random-forest grows trees in plain JS), so there is no
// search per fold: these values were fixed before looking at any data set's cross-validated
// score, from the libraries' behaviour:
// - LR: 100 gradient steps of 0.5 per row on standardised columns come close to the maximum
//   likelihood; stopping there is a mild shrinkage that the unregularised library otherwise lacks.
// - RF: 100 regression trees, each seeing 30% of the columns (the library draws features per
//   tree, so a smaller share than the usual sqrt(p) per split would starve trees), grown until
//   leaves of 5 rows, bootstrap rows at full size.
import type { LogisticParams } from './logistic.ts';
import type { ForestParams } from './forest.ts';

export const LOGISTIC_PARAMS: LogisticParams = { rate: 0.5, steps: 100 };

export function forestParams(seed: number, trees = 100): ForestParams {
  return { trees, maxFeatures: 0.3, maxDepth: null, minSamples: 5, seed };
}
