// A worker process for the kill -9 crash tests: runs one of the crash topologies until idle with
// exactly-once, then writes its state dump to <dir>/state-dump.json. Killed with SIGKILL by the test.
// Usage: node --import tsx crash-worker.fixture.ts <topology name> <backend kind> <dir> <prefix>
import fs from 'node:fs';
import { StreamsApp } from '../streams/streams-app.ts';
import { CRASH_TOPOLOGIES, type CrashTopologyName } from './crash-topologies.ts';
import { canonicalState } from './state-dump.ts';
import { testEnvAt, type BackendKind } from './test-backends.ts';

const [topology, kind, dir, prefix] = process.argv.slice(2) as [CrashTopologyName, BackendKind, string, string];
const topologyOf = CRASH_TOPOLOGIES[topology];
if (!topologyOf) throw new Error(`unknown crash topology ${topology}: one of ${Object.keys(CRASH_TOPOLOGIES).join(', ')}`);
const backend = await testEnvAt(kind, dir, prefix).open();
const app = new StreamsApp({
  applicationId: `${prefix}-app`,
  topology: topologyOf(prefix),
  backend,
  stateDir: `${dir}/state`,
  guarantee: 'exactly_once',
  commitIntervalMs: 20,
  maxPollRecords: 300,
});
await app.runUntilIdle();
fs.writeFileSync(`${dir}/state-dump.json`, JSON.stringify(canonicalState(app.storeEntries())));
await app.stop();
await backend.close();
process.exit(0);
