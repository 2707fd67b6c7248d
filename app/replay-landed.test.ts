// The walkthrough of README step 8 through the CLI, on the embedded backend: demo, replays of
// risk-scores and risk-features (debtor-priority then walks re-scored windows again: more records per
// debtor), a change of the risk factors, a replay of debtor-priority from earliest and a run. The recomputation emits
// fewer records than the topic held: the warehouse and the lake must hold exactly the topic's
// records, not the old ones beyond them, and the `collection_worklist` view must be `riskstream worklist`.
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCli } from '../pipelines/testing/cli-process.ts';
import { TempDirs } from '../pipelines/testing/temp-dirs.ts';

const temp = new TempDirs('replay-landed-');
afterAll(temp.removeAll);
let dir: string;
let config: string;

const CONFIG = `scoring:
  riskFactors:
    daysPastDue: [{ from: 0, factor: 0.2 }, { from: 90, factor: 3 }]
    brokenPromiseWeight: 1
`;

async function topicRecords(topic: string): Promise<number> {
  const { stdout } = await runCli(dir, ['topics', 'list', '--format', 'json']);
  const rows = stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { topic: string; records: number });
  return Number(rows.find((r) => r.topic === topic)?.records);
}

async function queryJson<T>(sql: string): Promise<T[]> {
  const { stdout } = await runCli(dir, ['query', '--format', 'json', sql]);
  return stdout
    .trim()
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as T);
}

async function count(sql: string): Promise<number> {
  const [row] = await queryJson<{ n: number | string }>(sql);
  return Number(row.n);
}

const lakeRows = (table: string) => `SELECT count() AS n FROM file('${join(dir, 'lake', table)}/*/*.parquet')`;

beforeAll(async () => {
  dir = temp.make();
  config = temp.file('riskstream.yaml', CONFIG);
  await runCli(dir, ['demo', '--events', '12000', '--seed', '3']);
}, 600_000);

it('replay risk-scores from earliest: its rows are landed again, debtor-priority is set back to the cut', async () => {
  const scores = await topicRecords('risk-scores');
  const { stdout } = await runCli(dir, ['replay', 'risk-scores', '--from', 'earliest']);
  expect(stdout).toContain(`output records kept 0, to be recomputed ${scores}`);
  expect(stdout).toMatch(new RegExp(`risk-scores: ${scores} warehouse rows \\(risk_scores\\) and \\d+ lake files deleted`));
  expect(stdout).toContain('debtor-priority had read past the cut: set back to it on 4 partitions');
  await runCli(dir, ['run', 'all', '--until-idle']);
  // Recomputed once, not re-read from offset 0 again and again.
  expect(await topicRecords('risk-scores')).toBe(scores);
  expect(await count('SELECT count() AS n FROM risk_scores FINAL')).toBe(scores);
  expect(await count(lakeRows('risk_scores'))).toBe(scores);
}, 600_000);

it('replay risk-features from a time: risk-scores reads the recomputed windows once, not the topic again', async () => {
  const windows = await topicRecords('risk-features');
  const scores = await topicRecords('risk-scores');
  const { stdout } = await runCli(dir, ['replay', 'risk-features', '--from', '2024-03-30T00:00:00Z']);
  const recomputed = Number(/to be recomputed (\d+)/.exec(stdout)?.[1]);
  expect(recomputed).toBeGreaterThan(0);
  expect(recomputed).toBeLessThan(windows);
  expect(stdout).toContain('risk-scores had read past the cut: set back to it on 4 partitions');
  await runCli(dir, ['run', 'all', '--until-idle']);
  expect(await topicRecords('risk-features')).toBe(windows);
  expect(await count('SELECT count() AS n FROM risk_features FINAL')).toBe(windows);
  expect(await count(lakeRows('risk_features'))).toBe(windows);
  expect(await topicRecords('risk-scores')).toBe(scores + recomputed);
  expect(await count('SELECT count() AS n FROM risk_scores FINAL')).toBe(windows);
}, 600_000);

it('changed factors, replay debtor-priority from earliest, run: warehouse and lake hold the topic, the view is the worklist', async () => {
  const before = await topicRecords('collection-priorities');
  const { stdout } = await runCli(dir, ['--config', config, 'replay', 'debtor-priority', '--from', 'earliest']);
  expect(stdout).toContain(`output records kept 0, to be recomputed ${before}`);
  expect(stdout).toMatch(
    new RegExp(`collection-priorities: ${before} warehouse rows \\(collection_priorities\\) and [1-9]\\d* lake files deleted`),
  );
  await runCli(dir, ['--config', config, 'run', 'debtor-priority', '--until-idle']);

  const records = await topicRecords('collection-priorities');
  // The walk through re-scored scores left more records per debtor than a recomputation emits.
  expect(records).toBeLessThan(before);
  expect(await count('SELECT count() AS n FROM collection_priorities FINAL')).toBe(records);
  expect(await count('SELECT count() AS n FROM collection_priorities')).toBe(records);
  expect(await count(lakeRows('collection_priorities'))).toBe(records);

  const view = await queryJson<{ debtor_id: string; priority_score: number }>('SELECT debtor_id, priority_score FROM collection_worklist');
  const { stdout: worklist } = await runCli(dir, ['--config', config, 'worklist', '--format', 'json', '--top', '1000000']);
  const listed = worklist
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { debtor_id: string; priority_score: number })
    .map(({ debtor_id, priority_score }) => ({ debtor_id, priority_score }));
  expect(view.length).toBeGreaterThan(10);
  expect(view).toEqual(listed);
}, 600_000);
