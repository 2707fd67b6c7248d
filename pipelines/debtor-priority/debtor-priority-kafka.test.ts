// debtor-priority on a real Kafka broker (the one the vitest globalSetup starts), through the CLI:
// the same collection-priorities records as on the embedded log, and the heaps (read off their
// changelog topics) hold the brute-force worklist.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { PIPELINES } from '../../app/catalog.ts';
import { openEnvironment, type Environment } from '../../app/environment.ts';
import { resolveSettings } from '../../app/settings.ts';
import { readTopic, setLogLevel } from '../../engine/index.ts';
import { runCli } from '../testing/cli-process.ts';
import { freshPipelineTopics } from '../testing/fresh-kafka-topics.ts';
import { generatedDebtors, loadDebtorPriorityInputs, riskScoresFor } from './testing/debtor-priority-inputs.ts';
import { referenceWorklist } from './testing/reference-worklist.ts';
import { worklistOfChangelog } from './testing/worklist-of-changelog.ts';

const DEF = PIPELINES['debtor-priority'];
const KAFKA_CLI = { env: { RISKSTREAM_BACKEND: 'kafka', CLICKHOUSE_URL: undefined, S3_ENDPOINT: undefined, S3_BUCKET: undefined } };
const RUN = ['run', 'debtor-priority', '--until-idle'];
const debtors = generatedDebtors(40_000, 17);
const scores = riskScoresFor(debtors, 5, 'before');

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function withEnv<T>(backend: 'embedded' | 'kafka', fn: (env: Environment, dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), `dp-${backend}-`));
  dirs.push(dir);
  const env = await openEnvironment(resolveSettings({ dataDir: dir, backend }));
  try {
    return await fn(env, dir);
  } finally {
    await env.close();
  }
}

async function recordsOf(env: Environment): Promise<string[]> {
  await env.serde.prepare(['collection-priorities']);
  return (await readTopic(env.backend, 'collection-priorities'))
    .map((r) => JSON.stringify(env.serde.decode('collection-priorities', r.value!)))
    .sort();
}

it('gives the same records as the embedded log, and the brute-force worklist in the heaps', async () => {
  setLogLevel('warn');
  expect(process.env.KAFKA_BROKERS, 'KAFKA_BROKERS (set by dev/vitest-global-setup.ts)').toBeTruthy();
  const embedded = await withEnv('embedded', async (env, dir) => {
    await loadDebtorPriorityInputs(env, { debtors, scores });
    await runCli(dir, RUN);
    return await recordsOf(env);
  });
  const onKafka = await withEnv('kafka', async (env, dir) => {
    await freshPipelineTopics(env, DEF);
    await loadDebtorPriorityInputs(env, { debtors, scores });
    await runCli(dir, RUN, KAFKA_CLI);
    return { records: await recordsOf(env), worklist: await worklistOfChangelog(env.backend, DEF.applicationId) };
  });
  expect(embedded.length).toBeGreaterThan(1_000);
  expect(onKafka.records).toEqual(embedded);
  expect(onKafka.worklist).toEqual(referenceWorklist(debtors, scores));
}, 600_000);
