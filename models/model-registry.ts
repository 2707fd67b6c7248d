// The model store: versions of a named model under `models/<name>/v<N>/` (metadata.json, lr.json,
// rf.json) and the promoted pointer `models/<name>/promoted.json`, in a LakeStore (the data dir
// when embedded, the S3 bucket in kafka mode). A version exists once its metadata.json does: it is
// written last. Every write is a whole-file atomic put.
import type { LakeStore } from '../connectors/sinks/lake-store.ts';
import type { CalibrationBin } from './calibration.ts';
import type { FeatureKind, Encoding } from './encoding.ts';
import type { Algo } from './evaluate.ts';
import type { ForestModel } from './forest.ts';
import type { Importance } from './importance.ts';
import type { LogisticModel } from './logistic.ts';
import type { Metrics } from './metrics.ts';
import type { TrainedModels } from './train.ts';

export const ALGOS: readonly Algo[] = ['lr', 'rf'];

export interface ModelMetadata {
  name: string;
  version: number;
  created_at: string;
  /** Where the rows came from: a file path or 'warehouse'. */
  source: string;
  data_sha256: string;
  seed: number;
  rows: number;
  positives: number;
  folds: number;
  kinds: Record<string, FeatureKind>;
  encoding: Encoding;
  metrics: Record<Algo, Metrics>;
  calibration: Record<Algo, CalibrationBin[]>;
  importance: Record<Algo, Importance[]>;
  params: { lr: LogisticModel['params']; rf: ForestModel['params'] };
}

export interface Promoted {
  name: string;
  version: number;
  algo: Algo;
  promoted_at: string;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export function checkModelName(name: string): string {
  if (!NAME.test(name)) throw new Error(`invalid model name '${name}': letters, digits, '.', '_' and '-' only`);
  return name;
}

const versionDir = (name: string, version: number): string => `models/${name}/v${version}`;
export const promotedKey = (name: string): string => `models/${name}/promoted.json`;

/** Reads and parses one JSON file of the store; a missing or corrupt file is a one-line error naming it. */
export async function readStoreJson<T>(store: LakeStore, key: string): Promise<T> {
  const where = `${store.root}/${key}`;
  let bytes: Buffer | null;
  try {
    bytes = await store.get(key);
  } catch (err) {
    throw new Error(`cannot read model file ${where}: ${(err as Error).message.split('\n')[0]}`, { cause: err });
  }
  if (bytes === null) throw new Error(`model file ${where} is missing`);
  try {
    return JSON.parse(bytes.toString('utf8')) as T;
  } catch (err) {
    throw new Error(`model file ${where} is corrupt: ${(err as Error).message.split('\n')[0]}`, { cause: err });
  }
}

async function putJson(store: LakeStore, key: string, value: unknown): Promise<void> {
  await store.put(key, Buffer.from(`${JSON.stringify(value)}\n`, 'utf8'));
}

/** Names that have at least one stored file. */
export async function listModelNames(store: LakeStore): Promise<string[]> {
  const keys = await store.list('models/');
  return [...new Set(keys.map((k) => k.slice('models/'.length).split('/')[0]).filter((n) => NAME.test(n)))].sort();
}

/** Versions of `name` whose metadata.json exists, ascending. */
export async function listVersions(store: LakeStore, name: string): Promise<number[]> {
  const prefix = `models/${name}/`;
  const dirs = new Set<number>();
  for (const key of await store.list(prefix)) {
    const m = /^v(\d+)$/.exec(key.slice(prefix.length).split('/')[0]);
    if (m) dirs.add(Number(m[1]));
  }
  const complete: number[] = [];
  for (const v of [...dirs].sort((a, b) => a - b))
    if ((await store.list(`${versionDir(name, v)}/metadata.json`)).length > 0) complete.push(v);
  return complete;
}

export interface SaveOptions {
  name: string;
  source: string;
  dataSha256: string;
}

/** Saves a new version (one above the highest directory present, complete or not); returns its metadata. */
export async function saveModelVersion(store: LakeStore, trained: TrainedModels, opts: SaveOptions): Promise<ModelMetadata> {
  const name = checkModelName(opts.name);
  const prefix = `models/${name}/`;
  let highest = 0;
  for (const key of await store.list(prefix)) {
    const m = /^v(\d+)$/.exec(key.slice(prefix.length).split('/')[0]);
    if (m) highest = Math.max(highest, Number(m[1]));
  }
  const version = highest + 1;
  const e = trained.evaluation;
  const metadata: ModelMetadata = {
    name,
    version,
    created_at: new Date().toISOString(),
    source: opts.source,
    data_sha256: opts.dataSha256,
    seed: e.seed,
    rows: e.rows,
    positives: e.positives,
    folds: e.folds,
    kinds: e.kinds,
    encoding: trained.encoding,
    metrics: { lr: e.lr.metrics, rf: e.rf.metrics },
    calibration: { lr: e.lr.calibration ?? [], rf: e.rf.calibration ?? [] },
    importance: { lr: e.lr.importance ?? [], rf: e.rf.importance ?? [] },
    params: { lr: trained.lr.params, rf: trained.rf.params },
  };
  const dir = versionDir(name, version);
  await putJson(store, `${dir}/lr.json`, trained.lr);
  await putJson(store, `${dir}/rf.json`, trained.rf);
  await putJson(store, `${dir}/metadata.json`, metadata);
  return metadata;
}

export function readMetadata(store: LakeStore, name: string, version: number): Promise<ModelMetadata> {
  return readStoreJson<ModelMetadata>(store, `${versionDir(name, version)}/metadata.json`);
}

export function modelFileKey(name: string, version: number, algo: Algo): string {
  return `${versionDir(name, version)}/${algo}.json`;
}

export async function readPromoted(store: LakeStore, name: string): Promise<Promoted | null> {
  if ((await store.get(promotedKey(name))) === null) return null;
  const p = await readStoreJson<Promoted>(store, promotedKey(name));
  if (!Number.isInteger(p.version) || !ALGOS.includes(p.algo))
    throw new Error(`model file ${store.root}/${promotedKey(name)} is corrupt: no version and algo`);
  return p;
}

/** Points `name` at a version and algorithm, after checking that the model loads. */
export async function writePromoted(
  store: LakeStore,
  promoted: Omit<Promoted, 'promoted_at'>,
  check: () => Promise<unknown>,
): Promise<Promoted> {
  await check();
  const record: Promoted = { ...promoted, promoted_at: new Date().toISOString() };
  await putJson(store, promotedKey(promoted.name), record);
  return record;
}
