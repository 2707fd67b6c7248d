// The caller process of the interactive-query bench: queries over HTTP to the endpoint in argv[2]
// (JSON), as `riskstream state get|range|top` would send them, at a fixed rate of one every
// argv[3] ms whether or not earlier ones were answered (users do not wait for each other; a caller
// that waits would ask less often exactly while the app is slow and hide that time). Mostly gets,
// every 20th a range of 10 keys and every 20th a top 10. Each latency counts from the moment the
// query was sent (not when it was due: on a busy machine this process's own timer runs late, which
// is not the app's doing). On 'stop' it sends every latency (ms) by query type.
import { setTimeout as sleep } from 'node:timers/promises';
import { queryEndpoint, type QueryEndpoint, type StoreQuery } from '../../engine/index.ts';
import { STORE } from './balances.ts';
import type { BenchMessage, CallerMessage } from './messages.ts';

const endpoint = JSON.parse(process.argv[2]) as QueryEndpoint;
const intervalMs = Number(process.argv[3]);
const ACCOUNTS = 10_000;
const account = (i: number): string => `acct-${String(i % ACCOUNTS).padStart(5, '0')}`;
let stopping = false;
process.on('message', (m: BenchMessage) => {
  if (m.type === 'stop') stopping = true;
});
const latencies: CallerMessage['latencies'] = { get: [], range: [], top: [] };
const inFlight = new Set<Promise<void>>();
const startedAt = performance.now();
for (let n = 0; !stopping; n++) {
  const due = startedAt + n * intervalMs;
  const wait = due - performance.now();
  if (wait > 0) await sleep(wait);
  const k = (n * 7919) % ACCOUNTS;
  const [type, q]: [keyof typeof latencies, StoreQuery] =
    n % 20 === 10
      ? ['range', { type: 'range', from: account(k), limit: 10 }]
      : n % 20 === 19
        ? ['top', { type: 'top', n: 10 }]
        : ['get', { type: 'get', key: account(k) }];
  const sent = performance.now();
  const call = queryEndpoint(endpoint, STORE, q).then(() => void latencies[type].push(performance.now() - sent));
  inFlight.add(call);
  void call.finally(() => inFlight.delete(call));
}
await Promise.all(inFlight);
process.send!({ type: 'latencies', latencies } satisfies CallerMessage);
process.disconnect();
