// A crash and restart of `riskstream run debtor-priority` give what an uncrashed run gives: the same
// collection-priorities records (event_id and every field), the same worklist in the heaps (read off
// their changelogs, as a restore reads them) and the same `collection_worklist` view. The run is
// killed with SIGKILL at points inside the pipeline's processing and inside the sinks' landing. Some
// debtors move to customers of other tasks (and some back), so generations restart there.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEnvironment, type Environment } from '../../app/environment.ts';
import { PIPELINES } from '../../app/catalog.ts';
import { resolveSettings } from '../../app/settings.ts';
import { readTopic, setLogLevel } from '../../engine/index.ts';
import type { CollectionPriority } from '../../schemas/types.ts';
import { runCli } from '../testing/cli-process.ts';
import { committedRecords, countParquet, killRunWhen as killCliRunWhen } from '../testing/kill-run.ts';
import {
  generatedDebtors,
  loadDebtorPriorityInputs,
  riskScoresFor,
  withMoves,
  type DebtorPriorityInputs,
} from './testing/debtor-priority-inputs.ts';
import { referenceWorklist } from './testing/reference-worklist.ts';
import { worklistOfChangelog } from './testing/worklist-of-changelog.ts';
import type { WorklistRow } from './worklist-heap.ts';
import { TempDirs } from '../testing/temp-dirs.ts';

const RUN = ['run', 'debtor-priority', '--until-idle'];
const APP = PIPELINES['debtor-priority'].applicationId;
// Risk scores all before the debtors: a task takes them first whatever the batching, so the records
// of a debtor do not depend on when a crash came (with scores arriving among the debtors, which
// probability a debtor's intermediate records show depends on arrival, as a table's does).
const debtors = withMoves(generatedDebtors(300_000, 3), 25);
const INPUTS: DebtorPriorityInputs = { debtors, scores: riskScoresFor(debtors, 11, 'before') };

interface RunResult {
  records: string[];
  worklist: WorklistRow[];
  view: string[];
}

const openEnv = (dataDir: string): Promise<Environment> => openEnvironment(resolveSettings({ dataDir, backend: 'embedded' }));

async function load(dataDir: string): Promise<void> {
  const env = await openEnv(dataDir);
  try {
    await loadDebtorPriorityInputs(env, INPUTS);
  } finally {
    await env.close();
  }
}

async function snapshot(dataDir: string): Promise<RunResult> {
  const env = await openEnv(dataDir);
  let records: string[];
  let worklist: WorklistRow[];
  try {
    await env.serde.prepare(['collection-priorities']);
    records = (await readTopic(env.backend, 'collection-priorities'))
      .map((r) => JSON.stringify(env.serde.decode('collection-priorities', r.value!) as CollectionPriority))
      .sort();
    worklist = await worklistOfChangelog(env.backend, APP);
  } finally {
    await env.close();
  }
  const view = (await runCli(dataDir, ['query', '--format', 'json', 'SELECT * FROM collection_worklist'])).stdout.trim().split('\n');
  return { records, worklist, view };
}

/** Starts `run --until-idle` and SIGKILLs it once `killWhen` holds; fails if the run ends first. */
async function killRunWhen(dataDir: string, killWhen: (outputs: number, lakeFiles: number) => boolean): Promise<void> {
  const env = await openEnv(dataDir);
  try {
    await killCliRunWhen(dataDir, {
      args: RUN,
      observe: async () => ({
        outputs: await committedRecords(env.backend, 'collection-priorities'),
        files: countParquet(join(dataDir, 'lake', 'collection_priorities')),
      }),
      killWhen: (o) => killWhen(o.outputs, o.files),
      pollMs: 10,
      describe: (o) => `killed run at ${o.outputs} output records, ${o.files} lake files (clean run: ${clean.records.length} records)`,
    });
  } finally {
    await env.close();
  }
}

const temp = new TempDirs('dp-crash-');
const tempDir = temp.make;
let clean: RunResult;

describe('debtor-priority after kill -9 of run, then run --until-idle', () => {
  beforeAll(async () => {
    setLogLevel('warn');
    const dir = tempDir();
    await load(dir);
    await runCli(dir, RUN);
    clean = await snapshot(dir);
  }, 600_000);
  afterAll(temp.removeAll);

  it('the uncrashed run lists the brute-force worklist', () => {
    const expected = referenceWorklist(INPUTS.debtors, INPUTS.scores);
    expect(expected.length).toBeGreaterThan(500);
    expect(clean.worklist).toEqual(expected);
    expect(clean.view.map((l) => (JSON.parse(l) as { debtor_id: string }).debtor_id)).toEqual(expected.map((r) => r.debtor_id));
    expect(clean.records.length).toBeGreaterThan(INPUTS.debtors.length / 2);
  });

  it.each([
    ['as the first records are committed', (outputs: number) => outputs > 0],
    ['halfway through the output', (outputs: number) => outputs > clean.records.length / 2],
    ['while the sinks land it', (_: number, files: number) => files > 0],
  ])(
    'killed %s, then run to idle: the same records, worklist and view',
    async (_what, killWhen) => {
      const dir = tempDir();
      await load(dir);
      await killRunWhen(dir, killWhen);
      await runCli(dir, RUN);
      const after = await snapshot(dir);
      expect(after.records).toEqual(clean.records);
      expect(after.worklist).toEqual(clean.worklist);
      expect(after.view).toEqual(clean.view);
    },
    600_000,
  );
});
