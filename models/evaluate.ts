// Stratified K-fold cross-validation of both models: every row is predicted once by models that
// never saw it (encoding, imputation and fit on the other folds), and the metrics are computed on
// the pooled out-of-fold predictions.
import { calibrationTable, type CalibrationBin } from './calibration.ts';
import { positivesOf, type Dataset } from './dataset.ts';
import { encodeRow, fitEncoding, inferKinds, type FeatureKind } from './encoding.ts';
import { foldSplit, stratifiedFolds } from './folds.ts';
import { fitForest } from './forest.ts';
import { coefficientImportance, permutationImportance, type Importance } from './importance.ts';
import { fitLogistic, predictLogistic } from './logistic.ts';
import { metricsOf, type Metrics } from './metrics.ts';
import { forestParams, LOGISTIC_PARAMS } from './settings.ts';

export type Algo = 'lr' | 'rf';

export interface EvaluateOptions {
  folds: number;
  seed: number;
  /** Trees per forest (default 100). */
  trees?: number;
  /** Also compute feature importance and calibration (a little slower). */
  details?: boolean;
  onProgress?: (text: string) => void;
}

export interface AlgoEvaluation {
  metrics: Metrics;
  calibration?: CalibrationBin[];
  /** LR: mean standardised coefficient per column; RF: mean AUC drop per feature. Largest first. */
  importance?: Importance[];
}

export interface Evaluation {
  rows: number;
  positives: number;
  folds: number;
  seed: number;
  kinds: Record<string, FeatureKind>;
  lr: AlgoEvaluation;
  rf: AlgoEvaluation;
}

export function evaluateModels(data: Dataset, opts: EvaluateOptions): Evaluation {
  const { folds, seed } = opts;
  const kinds = inferKinds(data);
  const fold = stratifiedFolds(data.labels, folds, seed);
  const n = data.rows.length;
  const oof: Record<Algo, number[]> = { lr: new Array(n), rf: new Array(n) };
  const coefficients = new Map<string, number>();
  const permutation = new Map<string, number>();
  for (let f = 0; f < folds; f++) {
    const { train, test } = foldSplit(fold, f);
    const enc = fitEncoding(
      kinds,
      data.features,
      train.map((i) => data.rows[i]),
    );
    const xTrain = train.map((i) => encodeRow(enc, data.rows[i]));
    const yTrain = train.map((i) => data.labels[i]);
    const xTest = test.map((i) => encodeRow(enc, data.rows[i]));
    opts.onProgress?.(`fold ${f + 1}/${folds}: logistic regression`);
    const lr = fitLogistic(xTrain, yTrain, LOGISTIC_PARAMS);
    test.forEach((i, t) => (oof.lr[i] = predictLogistic(lr, xTest[t])));
    opts.onProgress?.(`fold ${f + 1}/${folds}: random forest`);
    const rf = fitForest(xTrain, yTrain, forestParams(seed + f, opts.trees));
    rf.predict(xTest).forEach((p, t) => (oof.rf[test[t]] = p));
    if (opts.details) {
      for (const c of coefficientImportance(enc, lr.weights))
        coefficients.set(c.column, (coefficients.get(c.column) ?? 0) + c.value / folds);
      const drops = permutationImportance(
        enc,
        xTest,
        test.map((i) => data.labels[i]),
        rf.predict,
        seed + f,
      );
      for (const [feature, d] of drops) permutation.set(feature, (permutation.get(feature) ?? 0) + d / folds);
    }
  }
  const algo = (a: Algo, importance: Map<string, number>): AlgoEvaluation => ({
    metrics: metricsOf(data.labels, oof[a]),
    ...(opts.details
      ? {
          calibration: calibrationTable(data.labels, oof[a]),
          importance: [...importance].map(([column, value]) => ({ column, value })).sort((x, y) => Math.abs(y.value) - Math.abs(x.value)),
        }
      : {}),
  });
  return { rows: n, positives: positivesOf(data.labels), folds, seed, kinds, lr: algo('lr', coefficients), rf: algo('rf', permutation) };
}

/** The contract's JSON shape of `models evaluate --format json`. */
export function evaluationSummary(e: Evaluation): { rows: number; positives: number; folds: number; lr: Metrics; rf: Metrics } {
  return { rows: e.rows, positives: e.positives, folds: e.folds, lr: e.lr.metrics, rf: e.rf.metrics };
}
