// Random forest (ml-random-forest) as a probability model: regression trees on the 0/1 label, the
// forest's mean is the share of positives in the leaves a row falls in. (The library's classifier
// only votes, which gives coarse, heavily tied scores.) The library draws the feature subset per
// tree, not per split, so a tree sees `maxFeatures` of the columns; its `maxSamples` keeps the
// first rows rather than a random share, so sample fraction stays at the bootstrap's full size.
import { RandomForestRegression } from 'ml-random-forest';
import { useFastSplitSearch } from './cart-split-search.ts';

export interface ForestParams {
  trees: number;
  /** Share of the encoded columns each tree sees. */
  maxFeatures: number;
  /** Tree depth limit; null = none (leaves stop at minSamples). */
  maxDepth: number | null;
  minSamples: number;
  seed: number;
}

export interface ForestModel {
  kind: 'random-forest';
  params: ForestParams;
  /** The library's own serialisation (RandomForestRegression#toJSON). */
  forest: ReturnType<RandomForestRegression['toJSON']>;
}

export function fitForest(
  x: readonly number[][],
  y: readonly (0 | 1)[],
  params: ForestParams,
): { model: ForestModel; predict: (rows: number[][]) => number[] } {
  useFastSplitSearch();
  const rf = new RandomForestRegression({
    nEstimators: params.trees,
    maxFeatures: Math.max(1, Math.round(params.maxFeatures * (x[0]?.length ?? 1))),
    replacement: false,
    useSampleBagging: true,
    noOOB: true,
    seed: params.seed,
    treeOptions: { maxDepth: params.maxDepth ?? Infinity, minNumSamples: params.minSamples },
  });
  rf.train(
    x.map((r) => [...r]),
    [...y],
  );
  return { model: { kind: 'random-forest', params, forest: rf.toJSON() }, predict: (rows) => clip(rf.predict(rows)) };
}

export function loadForest(model: ForestModel): (rows: number[][]) => number[] {
  useFastSplitSearch();
  const rf = new RandomForestRegression(true, model.forest);
  return (rows) => clip(rf.predict(rows));
}

const clip = (p: number[]): number[] => p.map((v) => Math.min(1, Math.max(0, v)));
