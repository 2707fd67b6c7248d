// Interactive-query latency as a user sees it: the app runs in its own process as `riskstream run`
// does (one StreamsApp and its HTTP query endpoint on one event loop, embedded log, 4 partitions,
// a balance per account in a queryable store); a producer process writes RECORDS movements as fast
// as the log takes them, so the app works through a backlog at full speed; a caller process sends
// queries over HTTP at a fixed rate, 100 a second, not waiting for answers (gets, with a range and
// a top every 20; see interactive-queries/caller.ts). Only queries sent while the app is busy
// count. A query is answered between two slices of processing, so the figures include the wait
// for the slice in progress, and the CPU the three processes share.
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createEmbeddedBackend } from '../engine/index.ts';
import { MOVEMENTS, PARTITIONS } from './interactive-queries/balances.ts';
import type { AppMessage, CallerMessage, ProducerMessage } from './interactive-queries/messages.ts';

const RECORDS = 1_000_000;
const CHUNK = 5_000;
/** One query every 10 ms: 100 a second, well below what the app answers, over a thousand a run. */
const QUERY_INTERVAL_MS = 10;
const HERE = path.dirname(fileURLToPath(import.meta.url));

function start(script: string, args: string[]): ChildProcess {
  return fork(path.join(HERE, 'interactive-queries', script), args, {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

function next<T>(child: ChildProcess, accept: (m: T) => boolean): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: T): void => {
      if (!accept(m)) return;
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolve(m);
    };
    const onExit = (code: number | null): void => reject(new Error(`${child.spawnargs.join(' ')} exited (${code}) early`));
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function figures(name: string, latencies: number[]): Record<string, number> {
  const sorted = [...latencies].sort((x, y) => x - y);
  const ms = (v: number): number => Number(v.toFixed(3));
  return {
    [`iq_${name}_p50_ms`]: ms(percentile(sorted, 50)),
    [`iq_${name}_p99_ms`]: ms(percentile(sorted, 99)),
    [`iq_${name}_p999_ms`]: ms(percentile(sorted, 99.9)),
    [`iq_${name}_max_ms`]: ms(sorted[sorted.length - 1]),
    [`iq_${name}s`]: sorted.length,
  };
}

export async function run(): Promise<Record<string, number>> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'riskstream-bench-iq-'));
  const children: ChildProcess[] = [];
  try {
    const backend = createEmbeddedBackend(path.join(dir, 'log'));
    await backend.admin().createTopics([{ name: MOVEMENTS, partitions: PARTITIONS }]);
    await backend.close();
    const app = start('app.ts', [dir]);
    children.push(app);
    const { endpoint } = await next<AppMessage & { type: 'ready' }>(app, (m) => m.type === 'ready');
    const caller = start('caller.ts', [JSON.stringify(endpoint), String(QUERY_INTERVAL_MS)]);
    const producer = start('producer.ts', [dir, String(RECORDS), String(CHUNK)]);
    children.push(caller, producer);
    const startedAt = performance.now();
    const produced = next<ProducerMessage>(producer, (m) => m.type === 'produced');
    await next<AppMessage>(app, (m) => m.type === 'progress' && m.recordsIn >= RECORDS);
    const busyMs = performance.now() - startedAt;
    const answered = next<CallerMessage>(caller, (m) => m.type === 'latencies');
    caller.send({ type: 'stop' });
    const { latencies } = await answered;
    await produced;
    const stopped = next<AppMessage & { type: 'stopped' }>(app, (m) => m.type === 'stopped');
    app.send({ type: 'stop' });
    const { cpuMs, loopDelayP99Ms, loopDelayMaxMs } = await stopped;
    return {
      ...figures('get', latencies.get),
      ...figures('range', latencies.range),
      ...figures('top', latencies.top),
      iq_app_eps: Math.round(RECORDS / (busyMs / 1000)),
      iq_app_cpu_s: Number((cpuMs / 1000).toFixed(1)),
      iq_app_loop_delay_p99_ms: Number(loopDelayP99Ms.toFixed(1)),
      iq_app_loop_delay_max_ms: Number(loopDelayMaxMs.toFixed(1)),
    };
  } finally {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
