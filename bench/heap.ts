// The collection worklist's heap at 10M debtors (issue 26): updates/s, top-100 latency with and
// without partner/tenant filters, restore time from the changelog and resident bytes per debtor.
// Measured in a child process (bench/heap-measure.ts) with gc() exposed and nothing else resident.
// HEAP_BENCH_DEBTORS sets the number of debtors (10,000,000 by default).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const MEASURE = fileURLToPath(new URL('./heap-measure.ts', import.meta.url));

export function run(): Promise<Record<string, number>> {
  const debtors = process.env.HEAP_BENCH_DEBTORS ?? '10000000';
  const r = spawnSync(process.execPath, ['--expose-gc', '--max-old-space-size=16000', '--import', 'tsx', MEASURE, debtors], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  if (r.status !== 0) throw new Error(`heap-measure exited ${r.status ?? r.signal}: ${r.stderr.slice(-2000)}`);
  const lines = r.stdout.trim().split('\n');
  return Promise.resolve(JSON.parse(lines[lines.length - 1]) as Record<string, number>);
}
