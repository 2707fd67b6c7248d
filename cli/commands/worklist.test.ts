// `riskstream worklist` as a user runs it: a child process that asks the query endpoint a running
// app advertises in the data dir (a stand-in topology with the worklist store), printing table, json
// and csv; a refusal is one line on stderr, exit 1, nothing on stdout.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describedTopology, PIPELINES } from '../../app/catalog.ts';
import { queriesDirOf } from '../../app/state-queries.ts';
import { WORKLIST_COLUMNS } from '../../app/worklist.ts';
import { queryableSpecs, startStateQueryServer, StreamsApp, testEnv, type StateQueryServer, type TestEnv } from '../../engine/index.ts';
import {
  expectedWorklist,
  worklistRecords,
  worklistRows,
  worklistRowsTopic,
  worklistTestTopology,
} from '../../pipelines/debtor-priority/testing/worklist-test-topology.ts';
import { cliOutcome, refusal, runCli, startCli } from '../../pipelines/testing/cli-process.ts';

const root = mkdtempSync(join(tmpdir(), 'rs-worklist-cli-'));
const liveDir = join(root, 'live');
const rows = worklistRows(300);
let env: TestEnv;
let app: StreamsApp;
let server: StateQueryServer;

const cliSync = (dataDir: string, args: string[]) => cliOutcome(dataDir, ['--backend', 'embedded', 'worklist', ...args]);

beforeAll(async () => {
  env = await testEnv('embedded');
  const backend = await env.open();
  await backend.admin().createTopics([{ name: worklistRowsTopic(env.prefix), partitions: 2 }]);
  const producer = await backend.producer();
  await producer.send(worklistRecords(env.prefix, rows));
  await producer.close();
  app = new StreamsApp({
    applicationId: `${env.prefix}-debtor-priority`,
    topology: worklistTestTopology(env.prefix),
    backend,
    stateDir: join(env.dir, 'state'),
  });
  await app.runUntilIdle();
  server = await startStateQueryServer({ targets: [app], advertiseDir: queriesDirOf(liveDir) });
}, 60_000);

afterAll(async () => {
  await server?.close();
  await app?.stop();
  await env?.cleanup();
  rmSync(root, { recursive: true, force: true });
});

describe('riskstream worklist', () => {
  it('prints the live top N as json, csv and a table, filtered by partner and tenant', { timeout: 60_000 }, async () => {
    const want = expectedWorklist(rows, { partner: 'partner-brightline', tenant: 'acme' }).slice(0, 3);
    const json = await runCli(liveDir, [
      'worklist',
      '--top',
      '3',
      '--partner',
      'partner-brightline',
      '--tenant',
      'acme',
      '--format',
      'json',
    ]);
    expect(
      json.stdout
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l) as unknown),
    ).toEqual(want);

    const top5 = expectedWorklist(rows).slice(0, 5);
    const csv = await runCli(liveDir, ['worklist', '--top', '5', '--format', 'csv']);
    const lines = csv.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(WORKLIST_COLUMNS.map((c) => `"${c}"`).join(','));
    expect(lines.slice(1).map((l) => l.split(',')[1])).toEqual(top5.map((r) => `"${r.debtor_id}"`));

    const table = await runCli(liveDir, ['worklist']);
    const all = expectedWorklist(rows);
    expect(all.length).toBeGreaterThan(0);
    for (const r of all.slice(0, 50)) expect(table.stdout).toContain(r.debtor_id);
    expect(table.stdout).toContain('priority_score');
  });

  it(
    'state get answers a debtor of the live worklist store, and refuses a key it does not hold in one line',
    { timeout: 60_000 },
    async () => {
      // Asynchronous: the app answering lives in this process, which spawnSync would block.
      const [best] = expectedWorklist(rows);
      const hit = await runCli(liveDir, ['state', 'get', 'worklist', best.debtor_id, '--format', 'json']);
      expect(JSON.parse(hit.stdout)).toMatchObject({
        key: best.debtor_id,
        value: { debtor_id: best.debtor_id, priority_score: best.priority_score },
      });
      const child = startCli(liveDir, ['state', 'get', 'worklist', 'dbt-none']);
      let stdout = '';
      let stderr = '';
      child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      const status = await new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
      expect({ status, stdout, stderr }).toEqual(refusal("no entry for key 'dbt-none' in store worklist (live state)"));
    },
  );

  it('refuses a bad --top in one line', () => {
    for (const top of ['0', '2.5', 'ten']) {
      expect(cliSync(join(root, 'none'), ['--top', top])).toEqual(refusal(`--top must be a positive integer, got '${top}'`));
    }
  });

  it('says there is nothing to query yet before the pipeline ran', () => {
    // debtor-priority comes into the catalog on its own; until then the build says it has no worklist.
    const inBuild = Object.values(PIPELINES).some((def) => queryableSpecs(describedTopology(def)).has('worklist'));
    const reason = inBuild
      ? 'nothing to query yet: debtor-priority has not run on this data dir (run `riskstream run debtor-priority` first)'
      : "no pipeline of this build keeps the worklist (store 'worklist' of debtor-priority)";
    mkdirSync(join(root, 'fresh'));
    expect(cliSync(join(root, 'fresh'), ['--format', 'json'])).toEqual(refusal(reason));
  });
});
