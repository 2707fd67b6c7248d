// Issue 23: `replay` while `run` is running must refuse before it changes anything. A real
// `riskstream run risk-features` runs in a child process (pipeline and sinks); once it has landed
// its output, replay is called through the CLI and through the module API: both refuse with a
// one-line reason, and the pipeline's topics (names and end offsets, state changelogs included),
// the committed offsets of the application's and the sinks' groups and the local state are exactly
// what they were. The run keeps running: it processes and commits what arrives next, then stops
// cleanly. On both backends (Kafka: the running dev broker).
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEnvironment, type Environment } from '../../app/environment.ts';
import { ReplayError, replayPipeline, SINK_NAMES } from '../../app/replay.ts';
import { resolveSettings } from '../../app/settings.ts';
import { sinkGroupId } from '../../connectors/sinks/sink-runner.ts';
import {
  BACKEND_RETRY,
  isRetriable,
  setLogLevel,
  UnknownTopicError,
  withBackoff,
  type LogAdmin,
  type TopicInfo,
} from '../../engine/index.ts';
import { exited, finished, runCli, startCli, type CliOptions } from '../testing/cli-process.ts';
import { freshPipelineTopics } from '../testing/fresh-kafka-topics.ts';
import { loadInputs, RISK_FEATURES, RISK_FEATURES_INPUTS } from '../testing/load-inputs.ts';

const EVENTS = 3_000;
const KAFKA_CLI: CliOptions = {
  env: { RISKSTREAM_BACKEND: 'kafka', CLICKHOUSE_URL: undefined, S3_ENDPOINT: undefined, S3_BUCKET: undefined },
};
const RUN = ['run', 'risk-features'];
const REPLAY = ['replay', 'risk-features', '--from', 'earliest'];
const GROUPS = [RISK_FEATURES.applicationId, ...SINK_NAMES.map(sinkGroupId)];
const READ_TOPICS = [...RISK_FEATURES_INPUTS, ...RISK_FEATURES.outputs];

/** What a replay rewrites: the pipeline's topics with their end offsets, and its groups' positions. */
interface LogState {
  topics: Record<string, number[]>;
  committed: Record<string, (number | null)[]>;
}

function belongsToPipeline(name: string): boolean {
  return READ_TOPICS.some((t) => name === t || name.startsWith(`${t}.`)) || name.startsWith(`${RISK_FEATURES.applicationId}-`);
}

/** Lists the topics; on the shared broker, other tests' topics may vanish between the list and its offsets. */
async function listTopics(admin: LogAdmin): Promise<TopicInfo[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await admin.listTopics();
    } catch (err) {
      if (!(err instanceof UnknownTopicError) || belongsToPipeline(err.topic) || attempt === 20) throw err;
    }
  }
}

async function logState(env: Environment): Promise<LogState> {
  const admin = env.backend.admin();
  try {
    const topics: Record<string, number[]> = {};
    for (const t of await listTopics(admin)) if (belongsToPipeline(t.name)) topics[t.name] = t.endOffsets;
    const committed: Record<string, (number | null)[]> = {};
    for (const group of GROUPS)
      for (const topic of READ_TOPICS.filter((t) => t in topics))
        committed[`${group} ${topic}`] = await withBackoff(() => admin.committedOffsets(group, topic), isRetriable, BACKEND_RETRY);
    return { topics, committed };
  } finally {
    await admin.close();
  }
}

/** Per partition, the offset after the topic's last record (Kafka: before its transaction marker). */
async function afterLastRecords(env: Environment, topic: string, ends: number[]): Promise<number[]> {
  const reader = await env.backend.partitionReader();
  try {
    const after: number[] = [];
    for (const [partition, end] of ends.entries()) {
      let last = 0;
      // A partition ends with at most one marker per transaction: its last records are among the last few offsets.
      for await (const batch of reader.read({ topic, partition }, Math.max(0, end - 4), end)) for (const r of batch) last = r.offset + 1;
      after.push(last);
    }
    return after;
  } finally {
    await reader.close();
  }
}

/** True when the run has consumed and committed every input and its sinks have landed every record. */
async function caughtUp(env: Environment, s: LogState): Promise<boolean> {
  const output = RISK_FEATURES.outputs[0];
  const outputEnds = s.topics[output] ?? [];
  if (outputEnds.reduce((a, b) => a + b, 0) === 0) return false;
  const reads = new Map<string, number[]>(RISK_FEATURES_INPUTS.map((t) => [t, s.topics[t] ?? []]));
  reads.set(output, await afterLastRecords(env, output, outputEnds));
  for (const [topic, after] of reads) {
    for (const group of GROUPS) {
      // The application reads only the inputs.
      if (group === RISK_FEATURES.applicationId && topic === output) continue;
      const committed = s.committed[`${group} ${topic}`] ?? [];
      // Once idle every group, the lake sink too, has committed up to what it read.
      if (after.some((a, p) => (committed[p] ?? 0) !== a)) return false;
    }
  }
  return true;
}

describe.each(['embedded', 'kafka'] as const)('replay while run is running (%s backend)', (backend) => {
  const cli = backend === 'kafka' ? KAFKA_CLI : {};
  let dataDir: string;
  let env: Environment;
  let run: ChildProcess;
  let runOutcome: Promise<string>;
  let before: LogState;

  /** Waits until the running `run` has caught up with its inputs; fails if it exits meanwhile. */
  async function settled(): Promise<LogState> {
    for (;;) {
      if (run.exitCode !== null || run.signalCode !== null) throw new Error(`run exited while the test waited for it: ${await runOutcome}`);
      const s = await logState(env);
      if (await caughtUp(env, s)) return s;
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  beforeAll(async () => {
    setLogLevel('warn');
    dataDir = mkdtempSync(join(tmpdir(), `rf-replay-refused-${backend}-`));
    env = await openEnvironment(resolveSettings({ dataDir, backend }));
    if (backend === 'kafka') await freshPipelineTopics(env, RISK_FEATURES);
    await loadInputs(env, { events: EVENTS, seed: 23, order: 'interleaved' });
    run = startCli(dataDir, RUN, cli);
    runOutcome = finished(run, RUN).then(
      () => 'exited 0',
      (err: Error) => err.message,
    );
    before = await settled();
  }, 300_000);

  afterAll(async () => {
    if (run !== undefined && run.exitCode === null && run.signalCode === null) run.kill('SIGKILL');
    if (run !== undefined) await exited(run);
    await env?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('the run has landed output and holds state before the replay', () => {
    expect(before.topics[RISK_FEATURES.outputs[0]].reduce((a, b) => a + b, 0)).toBeGreaterThan(100);
    expect(Object.keys(before.topics).filter((t) => t.startsWith(`${RISK_FEATURES.applicationId}-`)).length).toBeGreaterThan(0);
  });

  it('replay (CLI) exits 1 with a one-line reason and changes nothing', async () => {
    const outcome = await runCli(dataDir, REPLAY, cli).then(
      () => 'exited 0',
      (err: Error) => err.message,
    );
    expect(await logState(env)).toEqual(before);
    expect(existsSync(join(env.stateDir, RISK_FEATURES.applicationId))).toBe(true);
    expect(outcome).toContain('failed (exit 1)');
    expect(outcome.split('\n').at(-1)).toMatch(
      /^riskstream: cannot replay risk-features while it runs: consumer group "riskstream-risk-features" has .*active member.*; stop it first$/,
    );
  }, 120_000);

  it('replay (module API) throws ReplayError and changes nothing', async () => {
    const refusal = await replayPipeline(env, RISK_FEATURES, Date.parse('2024-03-30T00:00:00Z')).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(await logState(env)).toEqual(before);
    expect(existsSync(join(env.stateDir, RISK_FEATURES.applicationId))).toBe(true);
    expect(refusal).toBeInstanceOf(ReplayError);
    expect((refusal as ReplayError).message).toMatch(
      /^cannot replay risk-features while it runs: consumer group "riskstream-risk-features" has [^\n]*; stop it first$/,
    );
  }, 120_000);

  it('the run keeps running: it commits what arrives next and stops cleanly', async () => {
    await loadInputs(env, { events: 1_000, seed: 24, order: 'interleaved' });
    const after = await settled();
    for (const topic of RISK_FEATURES_INPUTS) {
      const sum = (offsets: readonly (number | null)[]) => offsets.reduce<number>((a, b) => a + (b ?? 0), 0);
      expect(sum(after.committed[`${RISK_FEATURES.applicationId} ${topic}`])).toBeGreaterThan(
        sum(before.committed[`${RISK_FEATURES.applicationId} ${topic}`]),
      );
    }
    run.kill('SIGTERM');
    expect(await runOutcome).toBe('exited 0');
  }, 300_000);
});
