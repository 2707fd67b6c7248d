// One model-store scenario run against each store kind (local directory, S3): train, save two
// versions, list, promote, load, refuse corrupt files, and the watcher's swap and fallback.
import { expect } from 'vitest';
import type { LakeStore } from '../../connectors/sinks/lake-store.ts';
import type { Dataset } from '../dataset.ts';
import { loadModel, loadPromoted, promoteModel } from '../model-loader.ts';
import { listModelNames, listVersions, promotedKey, readPromoted, saveModelVersion } from '../model-registry.ts';
import { PromotedModelWatcher } from '../promoted-watcher.ts';
import { trainModels } from '../train.ts';
import { Random } from '../random.ts';

/** Default likelier with high debt ratio and for renters; a little noise. */
export function syntheticCredit(rows: number, seed: number): Dataset {
  const rng = new Random(seed);
  const data: Dataset = { features: ['debt_ratio', 'housing', 'age'], rows: [], labels: [] };
  for (let i = 0; i < rows; i++) {
    const debt = rng.next();
    const housing = rng.pick(['own', 'rent', 'free']);
    const age = rng.int(20, 70);
    const z = -2 + 3 * debt + (housing === 'rent' ? 1 : 0) + 0.5 * rng.normal();
    data.rows.push({ debt_ratio: String(debt), housing, age: i % 17 === 0 ? null : String(age) });
    data.labels.push(1 / (1 + Math.exp(-z)) > rng.next() ? 1 : 0);
  }
  return data;
}

export async function storeRoundtrip(store: LakeStore): Promise<void> {
  const name = 'default-risk';
  const data = syntheticCredit(240, 3);
  const trained = trainModels(data, { folds: 3, seed: 5, trees: 10 });
  expect(trained.evaluation.lr.metrics.auc).toBeGreaterThan(0.6);

  const v1 = await saveModelVersion(store, trained, { name, source: 'test', dataSha256: 'abc' });
  const v2 = await saveModelVersion(store, trained, { name, source: 'test', dataSha256: 'abc' });
  expect([v1.version, v2.version]).toEqual([1, 2]);
  expect(await listModelNames(store)).toEqual([name]);
  expect(await listVersions(store, name)).toEqual([1, 2]);
  expect(v2.encoding.features.map((f) => f.kind)).toEqual(['numeric', 'categorical', 'numeric']);
  expect(v2.rows).toBe(240);

  await expect(loadPromoted(store, name)).rejects.toThrow("model 'default-risk' has no promoted version");
  await promoteModel(store, name, 1, 'lr');
  const lr = await loadPromoted(store, name);
  expect([lr.version, lr.algo]).toEqual([1, 'lr']);
  const risky = { debt_ratio: 0.95, housing: 'rent', age: 30 };
  const safe = { debt_ratio: 0.05, housing: 'own', age: 50 };
  expect(lr.score(risky)).toBeGreaterThan(lr.score(safe));
  // Missing values are imputed, an unseen category is all zeros: still a probability.
  const p = lr.score({ debt_ratio: null, housing: 'boat', age: null });
  expect(p).toBeGreaterThan(0);
  expect(p).toBeLessThan(1);
  const rf = await loadModel(store, name, 2, 'rf');
  expect(rf.score(risky)).toBeGreaterThan(rf.score(safe));

  // A corrupt model file: a one-line error naming it, and the promoted pointer is left alone.
  await store.put(`models/${name}/v2/lr.json`, Buffer.from('{"kind":"logistic-regression","weights":[1'));
  await expect(promoteModel(store, name, 2, 'lr')).rejects.toThrow(`model file ${store.root}/models/${name}/v2/lr.json is corrupt`);
  expect((await readPromoted(store, name))?.version).toBe(1);
  await expect(promoteModel(store, name, 7, 'rf')).rejects.toThrow(`${name} has no version 7 (versions: 1, 2)`);

  // The watcher swaps to a newly promoted model and keeps the last good one when the next fails.
  const errors: string[] = [];
  const watcher = new PromotedModelWatcher(store, name, { onError: (e) => errors.push(e.message) });
  await watcher.poll();
  expect(watcher.current()?.version).toBe(1);
  await promoteModel(store, name, 2, 'rf');
  await watcher.poll();
  expect([watcher.current()?.version, watcher.current()?.algo]).toEqual([2, 'rf']);
  await store.put(promotedKey(name), Buffer.from(JSON.stringify({ name, version: 2, algo: 'lr', promoted_at: new Date().toISOString() })));
  await watcher.poll();
  expect([watcher.current()?.version, watcher.current()?.algo]).toEqual([2, 'rf']);
  expect(errors).toEqual([
    `model file ${store.root}/models/${name}/v2/lr.json is corrupt: Expected ',' or ']' after array element in JSON at position 42`,
  ]);
  await watcher.stop();
}
