// What a scoring pipeline uses: a stored model as a function from raw features to a probability.
import type { LakeStore } from '../connectors/sinks/lake-store.ts';
import type { FeatureRow } from './dataset.ts';
import { encodeRow } from './encoding.ts';
import type { Algo } from './evaluate.ts';
import { loadForest, type ForestModel } from './forest.ts';
import { predictLogistic, type LogisticModel } from './logistic.ts';
import {
  checkModelName,
  listModelNames,
  listVersions,
  modelFileKey,
  readMetadata,
  readPromoted,
  readStoreJson,
  writePromoted,
  type ModelMetadata,
  type Promoted,
} from './model-registry.ts';

export interface Scorer {
  name: string;
  version: number;
  algo: Algo;
  /** Probability of the positive class (default) for one row of raw features; missing → imputed. */
  score(features: FeatureRow): number;
}

export async function loadModel(store: LakeStore, name: string, version: number, algo: Algo): Promise<Scorer> {
  const metadata = await readMetadata(store, name, version);
  const key = modelFileKey(name, version, algo);
  const where = `${store.root}/${key}`;
  const enc = metadata.encoding;
  if (!enc || !Array.isArray(enc.features) || !Array.isArray(enc.mean))
    throw new Error(`model file ${store.root}/models/${name}/v${version}/metadata.json is corrupt: no encoding`);
  if (algo === 'lr') {
    const m = await readStoreJson<LogisticModel>(store, key);
    if (m.kind !== 'logistic-regression' || !Array.isArray(m.weights) || m.weights.length !== enc.columns.length) {
      throw new Error(`model file ${where} is corrupt: not a logistic regression over ${enc.columns.length} columns`);
    }
    return { name, version, algo, score: (row) => predictLogistic(m, encodeRow(enc, row)) };
  }
  const m = await readStoreJson<ForestModel>(store, key);
  let predict: (rows: number[][]) => number[];
  try {
    if (m.kind !== 'random-forest') throw new Error('not a random forest');
    predict = loadForest(m);
  } catch (err) {
    throw new Error(`model file ${where} is corrupt: ${(err as Error).message.split('\n')[0]}`, { cause: err });
  }
  return { name, version, algo, score: (row) => predict([encodeRow(enc, row)])[0] };
}

export async function loadPromoted(store: LakeStore, name: string): Promise<Scorer> {
  const p = await readPromoted(store, name);
  if (!p) throw new Error(`model '${name}' has no promoted version (riskstream models promote ${name} VERSION)`);
  return loadModel(store, name, p.version, p.algo);
}

/** The model of a version with the better cross-validated AUC (lr on a tie). */
export function betterAlgo(m: ModelMetadata): Algo {
  return m.metrics.rf.auc > m.metrics.lr.auc ? 'rf' : 'lr';
}

/**
 * Records `name` → version/algo as promoted, once that model has loaded; without `algo`, the
 * version's better model. An unknown name or version is refused naming what there is.
 */
export async function promoteModel(store: LakeStore, name: string, version: number, algo?: Algo): Promise<Promoted> {
  checkModelName(name);
  const names = await listModelNames(store);
  if (!names.includes(name)) {
    throw new Error(
      `no model named '${name}' (${names.length > 0 ? `models: ${names.join(', ')}` : 'none yet: riskstream models train makes one'})`,
    );
  }
  const versions = await listVersions(store, name);
  if (!versions.includes(version)) throw new Error(`${name} has no version ${version} (versions: ${versions.join(', ') || 'none'})`);
  const chosen = algo ?? betterAlgo(await readMetadata(store, name, version));
  return writePromoted(store, { name, version, algo: chosen }, () => loadModel(store, name, version, chosen));
}
