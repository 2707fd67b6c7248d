// A user changes a factor of `scoring.riskFactors` in the config file, replays debtor-priority from
// earliest and runs it: the worklist (the heaps, and the `collection_worklist` view) is the
// brute-force worklist under the new factors, in its new order. Driven through the CLI, embedded log.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { openEnvironment } from '../../app/environment.ts';
import { PIPELINES } from '../../app/catalog.ts';
import { resolveSettings } from '../../app/settings.ts';
import { runCli } from '../testing/cli-process.ts';
import { generatedDebtors, loadDebtorPriorityInputs, riskScoresFor, withMoves } from './testing/debtor-priority-inputs.ts';
import { referenceWorklist } from './testing/reference-worklist.ts';
import { worklistOfChangelog } from './testing/worklist-of-changelog.ts';
import type { RiskFactors } from './risk-factors.ts';
import type { WorklistRow } from './worklist-heap.ts';

const dir = mkdtempSync(join(tmpdir(), 'debtor-priority-replay-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Some debtors move between tasks: the replay must re-emit their records under the same event_ids.
const debtors = withMoves(generatedDebtors(60_000, 8), 20);
const scores = riskScoresFor(debtors, 4, 'before');

/** Long overdue debts first, broken promises weigh four times as much; the rest as the defaults. */
const CHANGED: RiskFactors = {
  daysPastDue: [
    { from: 0, factor: 0.2 },
    { from: 90, factor: 3 },
  ],
  brokenPromiseWeight: 1,
  contactAttemptWeight: 0.05,
  defaultProbabilityWhenUnknown: 0.5,
};
const CONFIG = `scoring:
  riskFactors:
    daysPastDue:
      - { from: 0, factor: 0.2 }
      - { from: 90, factor: 3 }
    brokenPromiseWeight: 1
`;

async function heaps(): Promise<WorklistRow[]> {
  const env = await openEnvironment(resolveSettings({ dataDir: dir, backend: 'embedded' }));
  try {
    return await worklistOfChangelog(env.backend, PIPELINES['debtor-priority'].applicationId);
  } finally {
    await env.close();
  }
}

async function view(): Promise<string[]> {
  const out = await runCli(dir, ['query', '--format', 'json', 'SELECT debtor_id, priority_score FROM collection_worklist']);
  return out.stdout.trim().split('\n');
}

const viewRows = (list: ReturnType<typeof referenceWorklist>) =>
  list.map((r) => JSON.stringify({ debtor_id: r.debtor_id, priority_score: r.priority_score }));

it('a changed risk factor, a replay from earliest and a run give the new order', async () => {
  const env = await openEnvironment(resolveSettings({ dataDir: dir, backend: 'embedded' }));
  try {
    await loadDebtorPriorityInputs(env, { debtors, scores });
  } finally {
    await env.close();
  }
  await runCli(dir, ['run', 'debtor-priority', '--until-idle']);
  const before = referenceWorklist(debtors, scores);
  expect(await heaps()).toEqual(before);
  expect(await view()).toEqual(viewRows(before));

  const config = join(dir, 'riskstream.yaml');
  writeFileSync(config, CONFIG);
  await runCli(dir, ['--config', config, 'replay', 'debtor-priority', '--from', 'earliest']);
  await runCli(dir, ['--config', config, 'run', 'debtor-priority', '--until-idle']);
  const after = referenceWorklist(debtors, scores, { factors: CHANGED });
  expect(after.map((r) => r.debtor_id)).not.toEqual(before.map((r) => r.debtor_id));
  expect(await heaps()).toEqual(after);
  expect(await view()).toEqual(viewRows(after));
});
