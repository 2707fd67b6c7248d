// `models train`: the cross-validated evaluation, then both models fitted on every row, ready to save.
import { createHash } from 'node:crypto';
import type { Dataset } from './dataset.ts';
import { encodeRow, fitEncoding, type Encoding } from './encoding.ts';
import { evaluateModels, type EvaluateOptions, type Evaluation } from './evaluate.ts';
import { fitForest, type ForestModel } from './forest.ts';
import { fitLogistic, type LogisticModel } from './logistic.ts';
import { forestParams, LOGISTIC_PARAMS } from './settings.ts';

export interface TrainedModels {
  evaluation: Evaluation;
  encoding: Encoding;
  lr: LogisticModel;
  rf: ForestModel;
}

export function trainModels(data: Dataset, opts: EvaluateOptions): TrainedModels {
  const evaluation = evaluateModels(data, { ...opts, details: true });
  opts.onProgress?.('fitting both models on all rows');
  const encoding = fitEncoding(evaluation.kinds, data.features, data.rows);
  const x = data.rows.map((r) => encodeRow(encoding, r));
  const lr = fitLogistic(x, data.labels, LOGISTIC_PARAMS);
  const rf = fitForest(x, data.labels, forestParams(opts.seed, opts.trees)).model;
  return { evaluation, encoding, lr, rf };
}

/** A fingerprint of the rows and labels trained on (feature order, values, labels), for data that is not a file. */
export function datasetSha256(data: Dataset): string {
  const hash = createHash('sha256');
  hash.update(JSON.stringify(data.features));
  data.rows.forEach((r, i) => hash.update(`${JSON.stringify(data.features.map((f) => r[f] ?? null))}${data.labels[i]}\n`));
  return hash.digest('hex');
}

export function bytesSha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}
