import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { warehouseTrainingData } from '../../app/model-training.ts';
import { openModelStore } from '../../app/model-store.ts';
import { trainAndSave, type TrainingData } from '../../models/retrain.ts';
import { bytesSha256 } from '../../models/train.ts';
import { settingsOf } from '../context.ts';
import { positiveInt, print } from '../session.ts';
import { loadCsvDataset, type DataOptions } from './models-evaluate.ts';

export default async function train(program: Command, opts: DataOptions & { name: string; fromWarehouse?: boolean }): Promise<void> {
  const settings = settingsOf(program);
  if (opts.fromWarehouse && opts.data) throw new Error('give either --data or --from-warehouse, not both');
  const input: TrainingData = opts.fromWarehouse
    ? await warehouseTrainingData(settings, positiveInt(opts.seed, '--seed'))
    : { data: await loadCsvDataset(opts), source: opts.data!, sha256: bytesSha256(readFileSync(opts.data!)) };
  const store = openModelStore(settings);
  try {
    const meta = await trainAndSave(store, input, {
      name: opts.name,
      folds: positiveInt(opts.folds, '--folds'),
      seed: positiveInt(opts.seed, '--seed'),
      onProgress: (text) => process.stderr.write(`train: ${text}\n`),
    });
    print(
      `${meta.name} v${meta.version}: ${meta.rows} rows (${meta.positives} positive), lr auc ${meta.metrics.lr.auc.toFixed(3)}, rf auc ${meta.metrics.rf.auc.toFixed(3)}, saved in ${store.root}/models/${meta.name}/v${meta.version}`,
    );
  } finally {
    await store.close();
  }
}
