// `riskstream models promote` as a user runs it, on a data dir holding two stored versions: without
// --algo it promotes the version's better model; an unknown model or version is refused in one line
// naming what there is, and the promoted pointer is left as it was.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { LocalLakeStore } from '../../connectors/sinks/lake-store.ts';
import { readPromoted, saveModelVersion, type ModelMetadata } from '../../models/model-registry.ts';
import { syntheticCredit } from '../../models/testing/store-roundtrip.ts';
import { trainModels } from '../../models/train.ts';
import { cliOutcome, refusal } from '../../pipelines/testing/cli-process.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'rs-promote-cli-'));
const store = new LocalLakeStore(dataDir);
let v2: ModelMetadata;
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

beforeAll(async () => {
  const trained = trainModels(syntheticCredit(240, 3), { folds: 3, seed: 5, trees: 10 });
  await saveModelVersion(store, trained, { name: 'default-risk', source: 'test', dataSha256: 'abc' });
  v2 = await saveModelVersion(store, trained, { name: 'default-risk', source: 'test', dataSha256: 'abc' });
});

it('promotes the better model of the version when --algo is left out', async () => {
  const better = v2.metrics.lr.auc >= v2.metrics.rf.auc ? 'lr' : 'rf';
  expect(v2.metrics.lr.auc).not.toBe(v2.metrics.rf.auc);
  const r = cliOutcome(dataDir, ['models', 'promote', 'default-risk', '2']);
  expect(r).toEqual({ status: 0, stdout: `default-risk: promoted v2 (${better}, the better CV AUC)\n`, stderr: '' });
  expect(await readPromoted(store, 'default-risk')).toMatchObject({ version: 2, algo: better });

  const worse = better === 'lr' ? 'rf' : 'lr';
  expect(cliOutcome(dataDir, ['models', 'promote', 'default-risk', 'v1', '--algo', worse]).stdout).toBe(
    `default-risk: promoted v1 (${worse})\n`,
  );
  expect(await readPromoted(store, 'default-risk')).toMatchObject({ version: 1, algo: worse });
});

it('refuses an unknown model or version in one line, leaving the promoted one', async () => {
  const before = await readPromoted(store, 'default-risk');
  expect(cliOutcome(dataDir, ['models', 'promote', 'default-risk', '9'])).toEqual(
    refusal('default-risk has no version 9 (versions: 1, 2)'),
  );
  expect(cliOutcome(dataDir, ['models', 'promote', 'default-rsk', '1'])).toEqual(
    refusal("no model named 'default-rsk' (models: default-risk)"),
  );
  expect(await readPromoted(store, 'default-risk')).toEqual(before);
  const empty = mkdtempSync(join(tmpdir(), 'rs-promote-cli-empty-'));
  try {
    expect(cliOutcome(empty, ['models', 'promote', 'default-risk', '1'])).toEqual(
      refusal("no model named 'default-risk' (none yet: riskstream models train makes one)"),
    );
  } finally {
    rmSync(empty, { recursive: true, force: true });
  }
});
