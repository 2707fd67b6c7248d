// Two workers of `riskstream run debtor-priority` on one data dir, on a real Kafka broker (the one the
// vitest globalSetup starts): the embedded log admits one member process per group, so more than one
// worker process needs Kafka. The debtors flow in slices while both workers run: every live worklist
// answer (merged from both workers' tasks) is a consistent state (each row a state the debtor really
// had, scored by that record, rows in worklist order), and once the group has committed a slice the
// answer is not staler than that commit: it equals the brute-force worklist of the records so far.
// Then one worker is killed with SIGKILL amid a slice and the rest flows in; once its session expires
// the other takes its partitions over (restoring their heaps from the changelogs) and, when the group
// has committed every input to its end, `riskstream worklist` lists every debtor of the brute-force
// worklist, bit for bit (live, then checkpointed after the survivor stops).
import { type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, expect, it } from 'vitest';
import { PIPELINES } from '../../app/catalog.ts';
import { openEnvironment, type Environment } from '../../app/environment.ts';
import { resolveSettings } from '../../app/settings.ts';
import { queriesDirOf } from '../../app/state-queries.ts';
import { queryWorklist } from '../../app/worklist.ts';
import { advertisedEndpoints, endpointMetadata, setLogLevel } from '../../engine/index.ts';
import { DEFAULT_PARTITIONS } from '../../schemas/topics.ts';
import type { Debtor } from '../../schemas/types.ts';
import { exited, finished, runCli, startCli } from '../testing/cli-process.ts';
import { freshPipelineTopics } from '../testing/fresh-kafka-topics.ts';
import { isOnWorklist, priorityScore } from './priority-score.ts';
import { DEFAULT_RISK_FACTORS } from './risk-factors.ts';
import { generatedDebtors, loadDebtorPriorityInputs, riskScoresFor } from './testing/debtor-priority-inputs.ts';
import { referenceWorklist, type WorklistRow } from './testing/reference-worklist.ts';
import { WORKLIST_STORE } from './worklist-store.ts';

const DEF = PIPELINES['debtor-priority'];
const APP = DEF.applicationId;
/** Every input topic of the group, the repartition topic of debtors by customer included. */
const SOURCE_TOPICS = ['debtors', 'risk-scores', `${APP}-debtors-by-customer-repartition`];
const KAFKA_CLI = { env: { RISKSTREAM_BACKEND: 'kafka', CLICKHOUSE_URL: undefined, S3_ENDPOINT: undefined, S3_BUCKET: undefined } };
/** Without --until-idle: the survivor keeps answering live queries after the take-over. */
const RUN = ['run', 'debtor-priority'];
/** The second process of `run --workers 2`: it processes and answers queries, the first runs the sinks. */
const EXTRA_WORKER = { env: { ...KAFKA_CLI.env, RISKSTREAM_EXTRA_WORKER: '1' } };
/** The debtor records flow in this many slices (even): the kill comes after half of them. */
const SLICES = 8;
/** A wait that has not ended by then is stuck (the session timeout is ~10 s). */
const STUCK_MS = 240_000;

// Risk scores are produced before the workers start, so a task has them all before any debtor.
const debtors = generatedDebtors(300_000, 29);
const scores = riskScoresFor(debtors, 13, 'before');
const expected = referenceWorklist(debtors, scores);

const dirs: string[] = [];
const children: ChildProcess[] = [];
afterEach(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await Promise.all(children.map(exited));
  children.length = 0;
});
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Starts a worker; `outcome` is its exit: '' for exit 0, else the failure with its stderr. */
function start(dataDir: string, opts: { env: Record<string, string | undefined> }): { child: ChildProcess; outcome: Promise<string> } {
  const child = startCli(dataDir, RUN, opts);
  children.push(child);
  const outcome = finished(child, RUN).then(
    () => '',
    (err: Error) => err.message,
  );
  return { child, outcome };
}

/** Waits until `ready()` holds; fails if a worker ends first or the wait is stuck. */
async function until(what: string, workers: readonly ChildProcess[], ready: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + STUCK_MS;
  for (;;) {
    for (const w of workers) if (w.exitCode !== null || w.signalCode !== null) throw new Error(`a worker ended while waiting for: ${what}`);
    if (await ready().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`stuck waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The worklist store's partitions each live worker owns now, by pid. */
async function ownedPartitions(dataDir: string): Promise<Map<number, number[]>> {
  const owned = new Map<number, number[]>();
  for (const ep of advertisedEndpoints(queriesDirOf(dataDir))) {
    const meta = await endpointMetadata(ep);
    owned.set(meta.pid, meta.stores.find((s) => s.store === WORKLIST_STORE)?.partitions ?? []);
  }
  return owned;
}

/** Debtor records the group has committed so far, of all. */
async function debtorsCommitted(env: Environment): Promise<string> {
  const admin = env.backend.admin();
  try {
    const [ends, committed] = await Promise.all([admin.endOffsets('debtors'), admin.committedOffsets(APP, 'debtors')]);
    const sum = (xs: readonly (number | null)[]) => xs.reduce<number>((a, b) => a + (b ?? 0), 0);
    return `${sum(committed)}/${sum(ends)}`;
  } finally {
    await admin.close();
  }
}

/** The group has committed every partition of every input topic to its end. */
async function groupIdle(env: Environment): Promise<boolean> {
  const admin = env.backend.admin();
  try {
    for (const topic of SOURCE_TOPICS) {
      const [ends, committed] = await Promise.all([admin.endOffsets(topic), admin.committedOffsets(APP, topic)]);
      if (ends.length === 0 || ends.some((end, p) => (committed[p] ?? 0) < end)) return false;
    }
    return true;
  } finally {
    await admin.close();
  }
}

/** Every state a debtor had (its records in arrival order), to recognise a row as one of them. */
const recordsOf = new Map<string, Debtor[]>();
for (const d of debtors) {
  const list = recordsOf.get(d.debtor_id);
  if (list) list.push(d);
  else recordsOf.set(d.debtor_id, [d]);
}
const probabilitiesOf = new Map<string, (number | null)[]>();
for (const s of scores) probabilitiesOf.set(s.customer_id, [...(probabilitiesOf.get(s.customer_id) ?? [null]), s.default_probability]);

/**
 * A row some record of its debtor gives, with one of its customer's probabilities (or none yet), and
 * priority_score = priorityScore() of that record (the score reads fields the row does not show).
 */
function isAStateTheDebtorHad(row: WorklistRow): boolean {
  return (recordsOf.get(row.debtor_id) ?? []).some(
    (d) =>
      d.tenant_id === row.tenant_id &&
      d.customer_id === row.customer_id &&
      d.partner_id === row.partner_id &&
      d.debt_amount_cents === row.debt_amount_cents &&
      d.days_past_due === row.days_past_due &&
      d.status === row.status &&
      (probabilitiesOf.get(d.customer_id) ?? [null]).includes(row.default_probability) &&
      priorityScore(d, row.default_probability, DEFAULT_RISK_FACTORS) === row.priority_score,
  );
}

/** A live answer is one consistent worklist: listed rows only, each scored by its own fields, in worklist order. */
function expectConsistent(rows: readonly WorklistRow[]): void {
  const seen = new Set<string>();
  rows.forEach((row, i) => {
    expect(row.on_worklist && isOnWorklist(row.status), `${row.debtor_id} is on the worklist`).toBe(true);
    expect(seen.has(row.debtor_id), `${row.debtor_id} listed once`).toBe(false);
    seen.add(row.debtor_id);
    expect(isAStateTheDebtorHad(row), `${row.debtor_id}: a state it had`).toBe(true);
    if (i > 0) {
      const prev = rows[i - 1];
      const inOrder =
        prev.priority_score > row.priority_score ||
        (prev.priority_score === row.priority_score && Buffer.compare(Buffer.from(prev.debtor_id), Buffer.from(row.debtor_id)) < 0);
      expect(inOrder, `${prev.debtor_id} before ${row.debtor_id}`).toBe(true);
    }
  });
}

it(
  'two workers, one killed by kill -9 mid-run: live answers are consistent, then the worklist is complete',
  { timeout: 600_000 },
  async () => {
    setLogLevel('warn');
    expect(process.env.KAFKA_BROKERS, 'KAFKA_BROKERS (set by dev/vitest-global-setup.ts)').toBeTruthy();
    expect(expected.length).toBeGreaterThan(1_000);
    const t0 = Date.now();
    const dataDir = mkdtempSync(join(tmpdir(), 'dp-workers-'));
    dirs.push(dataDir);
    const env = await openEnvironment(resolveSettings({ dataDir, backend: 'kafka' }));
    try {
      await freshPipelineTopics(env, DEF);
      // Risk scores first; the debtors flow in slices while the workers run.
      await loadDebtorPriorityInputs(env, { debtors: [], scores });
      const tLoaded = Date.now();

      const { child: main, outcome: mainOutcome } = start(dataDir, KAFKA_CLI);
      const { child: extra } = start(dataDir, EXTRA_WORKER);
      await until('both workers own worklist partitions', [main, extra], async () => {
        const owned = await ownedPartitions(dataDir);
        return owned.size === 2 && [main.pid!, extra.pid!].every((pid) => (owned.get(pid)?.length ?? 0) > 0);
      });
      const tBoth = Date.now();

      const sliceSize = Math.ceil(debtors.length / SLICES);
      const slice = (i: number) => debtors.slice(i * sliceSize, (i + 1) * sliceSize);
      const sizes: number[] = [];
      const liveAnswer = async (): Promise<WorklistRow[]> => {
        const answer = await queryWorklist(env.settings, { top: debtors.length });
        expect(answer.source).toBe('live');
        expectConsistent(answer.rows);
        sizes.push(answer.rows.length);
        return answer.rows;
      };
      // Half the slices, both workers working: an answer right after a slice is produced (records in
      // flight) is consistent; once the group has committed the slice, the answer holds it all.
      for (let i = 0; i < SLICES / 2; i++) {
        await loadDebtorPriorityInputs(env, { debtors: slice(i), scores: [] });
        await liveAnswer();
        await until(`the group commits slice ${i}`, [main, extra], () => groupIdle(env));
        expect(await liveAnswer()).toEqual(referenceWorklist(debtors.slice(0, (i + 1) * sliceSize), scores));
      }
      // One more slice, and the kill while the workers take it.
      await loadDebtorPriorityInputs(env, { debtors: slice(SLICES / 2), scores: [] });
      expect(extra.exitCode, 'the second worker is still working when it is killed').toBeNull();
      extra.kill('SIGKILL');
      await exited(extra);
      expect(extra.signalCode).toBe('SIGKILL');
      const atKill = await debtorsCommitted(env);
      const tKilled = Date.now();
      // The rest flows in while the dead member still holds its partitions (until its session expires).
      for (let i = SLICES / 2 + 1; i < SLICES; i++) {
        await loadDebtorPriorityInputs(env, { debtors: slice(i), scores: [] });
        await liveAnswer();
      }

      // The survivor takes every partition over, and the group commits every input to its end.
      await until('the survivor owns every partition and the group is idle', [main], async () => {
        const owned = await ownedPartitions(dataDir);
        return owned.size === 1 && owned.get(main.pid!)?.length === DEFAULT_PARTITIONS && (await groupIdle(env));
      });
      const tIdle = Date.now();

      const live = await queryWorklist(env.settings, { top: debtors.length });
      expect(live.source).toBe('live');
      expect([...live.partitions].sort()).toEqual([...Array(DEFAULT_PARTITIONS).keys()]);
      const cli = await runCli(dataDir, ['worklist', '--top', String(debtors.length), '--format', 'json'], KAFKA_CLI);
      const rows = cli.stdout
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l) as WorklistRow);
      expect(rows).toEqual(expected);

      // Stopped, the checkpointed state lists the same.
      main.kill('SIGTERM');
      expect(await mainOutcome, 'the survivor stops cleanly').toBe('');
      const checkpointed = await queryWorklist(env.settings, { top: debtors.length });
      expect(checkpointed.source).toBe('checkpointed');
      expect(checkpointed.rows).toEqual(expected);
      console.info(
        `workers test: topics and scores ${tLoaded - t0} ms, both owning ${tBoth - tLoaded} ms, killed after ${tKilled - tBoth} ms ` +
          `at ${atKill} debtor records committed (live answers of ${sizes.join(', ')} rows), take-over to idle ${tIdle - tKilled} ms, ` +
          `${expected.length} debtors listed`,
      );
    } finally {
      await env.close();
    }
  },
);
