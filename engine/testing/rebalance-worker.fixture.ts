// A worker process for the rebalance test: one member of a consumer group running the crash topology
// with exactly-once on Kafka until the whole group is idle, then writing its state dump to
// <dir>/state-dump.json. Reports its task count and committed output on stdout every 100 ms as JSON
// lines, so the test can see both members hold tasks and kill one once output is committed.
// Each poll waits <throttleMs> first: on a modest input a single worker would otherwise finish
// before the second one has joined (slowing polls changes timing only, never results).
// Usage: node --import tsx rebalance-worker.fixture.ts <dir> <prefix> <name> <throttleMs>
import fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Backend, GroupConsumer } from '../backend/backend.ts';
import { StreamsApp } from '../streams/streams-app.ts';
import { crashTopology } from './crash-topology.ts';
import { canonicalState } from './state-dump.ts';
import { testEnvAt } from './test-backends.ts';
import { wrappedConsumer } from './wrapped-consumer.ts';

export interface WorkerReport {
  worker: string;
  event: 'progress' | 'done';
  tasks: number;
  recordsIn: number;
  recordsOut: number;
}

function throttled(consumer: GroupConsumer, throttleMs: number): GroupConsumer {
  return wrappedConsumer(consumer, {
    poll: async (maxRecords, timeoutMs) => {
      await sleep(throttleMs);
      return consumer.poll(maxRecords, timeoutMs);
    },
  });
}

const [dir, prefix, name, throttleArg] = process.argv.slice(2) as [string, string, string, string];
const throttleMs = Number(throttleArg);
const kafka = await testEnvAt('kafka', dir, prefix).open();
const backend: Backend = { ...kafka, groupConsumer: async (groupId) => throttled(await kafka.groupConsumer(groupId), throttleMs) };
const app = new StreamsApp({
  applicationId: `${prefix}-app`,
  topology: crashTopology(prefix),
  backend,
  stateDir: `${dir}/state`,
  guarantee: 'exactly_once',
  commitIntervalMs: 50,
  maxPollRecords: 200,
});
const report = (event: WorkerReport['event']): void => {
  const p = app.progress();
  const line: WorkerReport = { worker: name, event, tasks: p.tasks, recordsIn: p.recordsIn, recordsOut: p.recordsOut };
  process.stdout.write(`${JSON.stringify(line)}\n`);
};
const timer = setInterval(() => report('progress'), 100);
await app.runUntilIdle();
clearInterval(timer);
fs.writeFileSync(`${dir}/state-dump.json`, JSON.stringify(canonicalState(app.storeEntries())));
report('done');
await app.stop();
await kafka.close();
process.exit(0);
