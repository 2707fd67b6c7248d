// A worker process for the table crash test: runs the table crash topology until idle with
// exactly-once, then writes its state dump to <dir>/state-dump.json. Killed with SIGKILL by the test.
// Usage: node --import tsx table-crash-worker.fixture.ts <backend kind> <dir> <prefix>
import fs from 'node:fs';
import { StreamsApp } from '../streams/streams-app.ts';
import { tableCrashTopology } from './table-crash-topology.ts';
import { canonicalState } from './state-dump.ts';
import { testEnvAt, type BackendKind } from './test-backends.ts';

const [kind, dir, prefix] = process.argv.slice(2) as [BackendKind, string, string];
const backend = await testEnvAt(kind, dir, prefix).open();
const app = new StreamsApp({
  applicationId: `${prefix}-app`,
  topology: tableCrashTopology(prefix),
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
