import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { openModelStore } from '../../app/model-store.ts';
import { saveModelVersion } from '../../models/model-registry.ts';
import { bytesSha256, trainModels } from '../../models/train.ts';
import { settingsOf } from '../context.ts';
import { positiveInt, print } from '../session.ts';
import { loadCsvDataset, type DataOptions } from './models-evaluate.ts';

export default async function train(program: Command, opts: DataOptions & { name: string; fromWarehouse?: boolean }): Promise<void> {
  const settings = settingsOf(program);
  if (opts.fromWarehouse) throw new Error('--from-warehouse is not available yet; use --data FILE.csv --label COL --positive VALUE');
  const data = await loadCsvDataset(opts);
  const trained = trainModels(data, {
    folds: positiveInt(opts.folds, '--folds'),
    seed: positiveInt(opts.seed, '--seed'),
    onProgress: (text) => process.stderr.write(`train: ${text}\n`),
  });
  const store = openModelStore(settings);
  try {
    const meta = await saveModelVersion(store, trained, { name: opts.name, source: opts.data!, dataSha256: bytesSha256(readFileSync(opts.data!)) });
    print(`${meta.name} v${meta.version}: lr auc ${meta.metrics.lr.auc.toFixed(3)}, rf auc ${meta.metrics.rf.auc.toFixed(3)} (${meta.rows} rows) saved in ${store.root}/models/${meta.name}/v${meta.version}`);
  } finally {
    await store.close();
  }
}
