// risk-scores is exactly-once and replay-safe like risk-features: with the same inputs and the same
// model version, a replay from earliest and a run give the same records, rows and lake files as
// the first run. Driven through the CLI as a user would, on the embedded backend.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { WAREHOUSE_FEATURES } from '../../models/warehouse-dataset.ts';
import { runCli } from '../testing/cli-process.ts';

const dir = mkdtempSync(join(tmpdir(), 'risk-scores-replay-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A labelled CSV over the risk-features numbers: late repayments make defaulters, with some noise. */
function trainingCsv(): string {
  const lines = [[...WAREHOUSE_FEATURES, 'defaulted'].join(',')];
  for (let i = 0; i < 200; i++) {
    const values = WAREHOUSE_FEATURES.map((f) => (f === 'repayments_late' ? i % 4 : f === 'dti' ? ((i * 7) % 10) / 10 : (i * 37) % 100));
    lines.push([...values, i % 4 >= 2 !== (i % 13 === 0) ? 'yes' : 'no'].join(','));
  }
  return `${lines.join('\n')}\n`;
}

/** One line per row, as `query --format json` prints them. */
const query = async (sql: string): Promise<string[]> => (await runCli(dir, ['query', '--format', 'json', sql])).stdout.trim().split('\n');
const countOf = async (sql: string): Promise<number> => Number((JSON.parse((await query(sql))[0]) as { n: number | string }).n);

async function scoresSnapshot(): Promise<{ rows: string[]; lakeFiles: string[] }> {
  return {
    rows: await query('SELECT event_id, default_probability, risk_band, model_version FROM risk_scores FINAL ORDER BY event_id'),
    lakeFiles: await query(`SELECT DISTINCT _file FROM file('${dir}/lake/risk_scores/*/*.parquet') ORDER BY _file`),
  };
}

it('replay risk-scores from earliest, then run: the same scores, rows and lake files, no duplicates', async () => {
  await runCli(dir, ['generate', '--events', '6000', '--seed', '5']);
  await runCli(dir, ['run', 'risk-features', '--until-idle']);
  const csv = join(dir, 'training.csv');
  writeFileSync(csv, trainingCsv());
  await runCli(dir, ['models', 'train', '--data', csv, '--label', 'defaulted', '--positive', 'yes']);
  await runCli(dir, ['models', 'promote', 'default-risk', '1', '--algo', 'lr']);
  await runCli(dir, ['run', 'risk-scores', '--until-idle']);
  const first = await scoresSnapshot();
  expect(first.rows.length).toBe(await countOf('SELECT count() AS n FROM risk_features FINAL'));
  expect(first.rows.every((r) => (JSON.parse(r) as { model_version: number }).model_version === 1)).toBe(true);

  await runCli(dir, ['replay', 'risk-scores', '--from', 'earliest']);
  await runCli(dir, ['run', 'risk-scores', '--until-idle']);
  const again = await scoresSnapshot();
  expect(again.rows).toEqual(first.rows);
  expect(again.lakeFiles).toEqual(first.lakeFiles);
  // The warehouse may hold re-delivered rows until it merges; FINAL (above) shows each window once.
  expect(await countOf('SELECT uniqExact(event_id) AS n FROM risk_scores')).toBe(first.rows.length);
});
