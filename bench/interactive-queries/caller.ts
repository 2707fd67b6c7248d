// The caller process of the interactive-query bench, as `riskstream state get|range|top` would
// call: one query after another over HTTP to the endpoint in argv[2] (JSON), mostly gets, every
// 20th a range of 10 keys and every 20th a top 10, until the bench says stop; then it sends
// every latency (ms) by query type.
import { queryEndpoint, type QueryEndpoint, type StoreQuery } from '../../engine/index.ts';
import { STORE } from './balances.ts';
import type { BenchMessage, CallerMessage } from './messages.ts';

const endpoint = JSON.parse(process.argv[2]) as QueryEndpoint;
const ACCOUNTS = 10_000;
const account = (i: number): string => `acct-${String(i % ACCOUNTS).padStart(5, '0')}`;
let stopping = false;
process.on('message', (m: BenchMessage) => {
  if (m.type === 'stop') stopping = true;
});
const latencies: CallerMessage['latencies'] = { get: [], range: [], top: [] };
for (let n = 0; !stopping; n++) {
  const k = (n * 7919) % ACCOUNTS;
  const [type, q]: [keyof typeof latencies, StoreQuery] =
    n % 20 === 10
      ? ['range', { type: 'range', from: account(k), limit: 10 }]
      : n % 20 === 19
        ? ['top', { type: 'top', n: 10 }]
        : ['get', { type: 'get', key: account(k) }];
  const started = performance.now();
  await queryEndpoint(endpoint, STORE, q);
  latencies[type].push(performance.now() - started);
}
process.send!({ type: 'latencies', latencies } satisfies CallerMessage);
process.disconnect();
