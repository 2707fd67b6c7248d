// Two workers and a rebalance on real Kafka: same output as one worker. A single in-process worker
// gives the reference. Then two worker processes share the group (the co-partitioning assigner
// splits the partitions between them); one is killed with -9 after it committed output while the
// group was split; the other takes over its tasks (restoring their state from the changelogs) and
// runs to idle. The output read with read_committed, and the survivor's state, equal the reference.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { Backend } from '../backend/backend.ts';
import { logger } from '../observability/logger.ts';
import { StreamsApp } from './streams-app.ts';
import { crashInput, crashTopics, crashTopology, resultSerde } from '../testing/crash-topology.ts';
import type { WorkerReport } from '../testing/rebalance-worker.fixture.ts';
import { canonicalState } from '../testing/state-dump.ts';
import { readTopic, testEnv, type TestEnv } from '../testing/test-backends.ts';

const FIXTURE = fileURLToPath(new URL('../testing/rebalance-worker.fixture.ts', import.meta.url));
const N = 30_000;
const PARTITIONS = 4;
/** Per poll of 200 records: keeps one worker busy long enough for the second one to join. */
const THROTTLE_MS = 60;

class Worker {
  readonly exit: Promise<'killed' | 'done'>;
  last: WorkerReport | undefined;
  /** Every report, so the test can tell what happened in which order. */
  readonly reports: WorkerReport[] = [];
  private readonly child: ChildProcess;
  private stderr = '';
  private waiters: { until: (r: WorkerReport) => boolean; resolve: () => void }[] = [];

  constructor(
    readonly name: string,
    readonly dir: string,
    prefix: string,
  ) {
    fs.mkdirSync(dir, { recursive: true });
    this.child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, dir, prefix, name, String(THROTTLE_MS)], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, RISKSTREAM_LOG_LEVEL: 'warn' },
    });
    let pending = '';
    this.child.stdout!.on('data', (d: Buffer) => {
      pending += d.toString();
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const line of lines) if (line.startsWith('{')) this.onReport(JSON.parse(line) as WorkerReport);
    });
    this.child.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.exit = new Promise((resolve, reject) => {
      this.child.on('exit', (code, signal) => {
        if (signal === 'SIGKILL') resolve('killed');
        else if (code === 0) resolve('done');
        else reject(new Error(`worker ${name} exited with ${code ?? signal}: ${this.stderr.slice(-2000)}`));
      });
    });
  }

  /** Resolves at the first report (from now on, or the latest one) that satisfies `until`. */
  reportWhere(until: (r: WorkerReport) => boolean, what: string, timeoutMs = 60_000): Promise<void> {
    if (this.last && until(this.last)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`worker ${this.name}: no report where ${what} within ${timeoutMs} ms (last: ${JSON.stringify(this.last)})`)),
        timeoutMs,
      );
      this.waiters.push({ until, resolve: () => (clearTimeout(timer), resolve()) });
      void this.exit.then(
        () => reject(new Error(`worker ${this.name} exited before a report where ${what} (last: ${JSON.stringify(this.last)})`)),
        reject,
      );
    });
  }

  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }

  private onReport(r: WorkerReport): void {
    this.last = r;
    this.reports.push(r);
    const still = [];
    for (const w of this.waiters) {
      if (w.until(r)) w.resolve();
      else still.push(w);
    }
    this.waiters = still;
  }
}

async function setUp(backend: Backend, prefix: string): Promise<void> {
  const t = crashTopics(prefix);
  await backend.admin().createTopics([t.debits, t.credits, t.limits].map((name) => ({ name, partitions: PARTITIONS })));
  const producer = await backend.producer();
  await producer.send(crashInput(prefix, N));
  await producer.close();
}

async function outputOf(backend: Backend, prefix: string): Promise<string[]> {
  return (await readTopic(backend, crashTopics(prefix).out)).map((r) => JSON.stringify(resultSerde.deserialize(r.value))).sort();
}

describe('rebalance on kafka', () => {
  let env: TestEnv | undefined;
  const workers: Worker[] = [];
  afterEach(async () => {
    for (const w of workers) {
      w.kill();
      await w.exit.catch(() => undefined);
    }
    workers.length = 0;
    await env?.cleanup();
  });

  it('two workers, one killed mid-run: output and state equal a single worker run', { timeout: 240_000 }, async () => {
    env = await testEnv('kafka');
    const backend = await env.open();

    // (1) Reference: one in-process worker.
    const ref = `${env.prefix}-ref`;
    await setUp(backend, ref);
    const refApp = new StreamsApp({
      applicationId: `${ref}-app`,
      topology: crashTopology(ref),
      backend,
      stateDir: path.join(env.dir, 'ref'),
      guarantee: 'exactly_once',
      logger: logger.child({}, { level: 'warn' }),
    });
    await refApp.runUntilIdle();
    const refState = canonicalState(refApp.storeEntries());
    await refApp.stop();
    const expected = await outputOf(backend, ref);
    expect(expected.length).toBeGreaterThan(100);
    expect(refState.length).toBeGreaterThan(10);

    // (2) Two workers in one group on the same input.
    const split = `${env.prefix}-split`;
    await setUp(backend, split);
    const a = new Worker('A', path.join(env.dir, 'a'), split);
    workers.push(a);
    await a.reportWhere((r) => r.tasks === PARTITIONS, 'A holds every task');
    const b = new Worker('B', path.join(env.dir, 'b'), split);
    workers.push(b);
    // The group split: both hold tasks at once (each report is that worker's own current count).
    await b.reportWhere((r) => r.tasks > 0, 'B holds tasks');
    await a.reportWhere((r) => r.tasks > 0 && r.tasks < PARTITIONS, 'A gave tasks to B');
    // Settled split: the latest reports of both add up to every task, each holding some.
    const settled = (): boolean => a.last!.tasks > 0 && b.last!.tasks > 0 && a.last!.tasks + b.last!.tasks === PARTITIONS;
    await Promise.race([
      a.reportWhere(settled, 'A and B hold all tasks between them'),
      b.reportWhere(settled, 'A and B hold all tasks between them'),
    ]);
    const aSplitTasks = a.last!.tasks;
    const bSplitTasks = b.last!.tasks;
    // Kill A after it committed output while the group was split.
    const aOutAtSplit = a.last!.recordsOut;
    await a.reportWhere((r) => r.recordsOut > aOutAtSplit && r.tasks > 0, 'A committed output while split');
    const aAtKill = a.last!;
    a.kill();
    expect(await a.exit).toBe('killed');

    // B takes over A's tasks after A's session expires and runs the whole group to idle.
    expect(await b.exit).toBe('done');
    const bDone = b.reports.at(-1)!;
    expect(bDone.event).toBe('done');
    expect(bDone.tasks).toBe(PARTITIONS);
    // Both did part of the work: A's committed output survives in the result, B produced the rest.
    expect(aAtKill.recordsOut).toBeGreaterThan(0);
    expect(bDone.recordsOut).toBeGreaterThan(0);

    const actual = await outputOf(backend, split);
    expect(actual.length).toBe(expected.length);
    expect(actual).toEqual(expected);
    const bState = JSON.parse(fs.readFileSync(path.join(b.dir, 'state-dump.json'), 'utf8')) as string[];
    expect(bState).toEqual(refState);
    console.log(
      `rebalance: split A=${aSplitTasks} B=${bSplitTasks} tasks; A killed after ${aAtKill.recordsOut} outputs (${aAtKill.recordsIn} in); ` +
        `B finished with ${bDone.tasks} tasks, ${bDone.recordsOut} outputs (${bDone.recordsIn} in); ${actual.length} outputs total`,
    );
  });
});
