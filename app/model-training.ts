// Training data for the demo's default-risk model from the warehouse the settings point at (chDB
// under the data dir, or the ClickHouse server in kafka mode), with the generator's labels from
// `<data-dir>/generated/labels.csv`.
import { join } from 'node:path';
import { datasetSha256 } from '../models/train.ts';
import type { TrainingData } from '../models/retrain.ts';
import { warehouseDataset } from '../models/warehouse-dataset.ts';
import { parseJsonEachRow } from '../warehouse/warehouse.ts';
import { queryWarehouse } from '../warehouse/query-server.ts';
import { retrainAndPromote } from '../models/retrain.ts';
import { DEFAULT_RISK_MODEL } from '../pipelines/risk-scores/topology.ts';
import { openModelStore } from './model-store.ts';
import type { Settings } from './settings.ts';

export async function warehouseTrainingData(settings: Settings, seed: number): Promise<TrainingData> {
  const target = settings.backend === 'kafka' && settings.clickhouse.url ? settings.clickhouse.url : settings.dataDir;
  const query = async <T>(sql: string): Promise<T[]> => parseJsonEachRow<T>(await queryWarehouse(target, sql, { format: 'json' }));
  const data = await warehouseDataset(query, join(settings.dataDir, 'generated', 'labels.csv'), seed);
  return { data, source: 'warehouse', sha256: datasetSha256(data) };
}

/** Trains default-risk on the warehouse's features and promotes it unless worse than the promoted one (the demo's first model). */
export async function trainFirstModel(settings: Settings, seed: number): Promise<string> {
  const store = openModelStore(settings);
  try {
    const result = await retrainAndPromote(store, await warehouseTrainingData(settings, seed), {
      name: DEFAULT_RISK_MODEL,
      folds: 5,
      seed,
      onProgress: (text) => process.stderr.write(`train: ${text}\n`),
    });
    return `model ${result.reason}`;
  } finally {
    await store.close();
  }
}
