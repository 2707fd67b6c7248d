// Default-risk models on german_credit (1,000 rows, 61 columns): `models evaluate` throughput per
// model (data set rows / seconds of its whole 5-fold cross-validation, fits and predictions) and
// the pooled out-of-fold AUCs, with the CLI's settings (100 trees, seed 42).
import { fileURLToPath } from 'node:url';
import { readCsvTable } from '../models/csv-table.ts';
import { datasetFromCsv } from '../models/dataset.ts';
import { evaluateModels } from '../models/evaluate.ts';

const GERMAN_CREDIT = fileURLToPath(new URL('../../shared/data/german_credit.csv', import.meta.url));

export async function run(): Promise<Record<string, number>> {
  const data = datasetFromCsv(await readCsvTable(GERMAN_CREDIT), { label: 'Class', positive: 'Bad' }, GERMAN_CREDIT);
  // Time spent per model, from the progress marks that open each model's part of a fold.
  const spent = { lr: 0, rf: 0 };
  let phase: keyof typeof spent | null = null;
  let since = performance.now();
  const mark = (next: keyof typeof spent | null) => {
    const now = performance.now();
    if (phase) spent[phase] += now - since;
    phase = next;
    since = now;
  };
  const e = evaluateModels(data, { folds: 5, seed: 42, onProgress: (text) => mark(text.endsWith('random forest') ? 'rf' : 'lr') });
  mark(null);
  return {
    models_lr_rows_per_s: Math.round((data.rows.length * 1000) / spent.lr),
    models_rf_rows_per_s: Math.round((data.rows.length * 1000) / spent.rf),
    models_lr_auc: Number(e.lr.metrics.auc.toFixed(4)),
    models_rf_auc: Number(e.rf.metrics.auc.toFixed(4)),
  };
}
