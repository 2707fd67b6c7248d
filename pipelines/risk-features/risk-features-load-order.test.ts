// A task takes its input partitions' records in event-time order of their head
// records, so risk_features does not depend on which input topic was loaded first. Each case loads
// the same generated records onto a fresh embedded log before the run, in a different topic order.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEnvironment } from '../../app/environment.ts';
import { setLogLevel } from '../../engine/index.ts';
import { resolveSettings } from '../../app/settings.ts';
import { loadInputs, runRiskFeaturesUntilIdle, type LoadOrder } from '../testing/load-inputs.ts';
import { outputTopicSnapshot, rowDiff, sameRows, type TopicSnapshot } from '../testing/risk-features-snapshot.ts';

const EVENTS = 15_000;
const SEED = 11;

async function runWithOrder(order: LoadOrder): Promise<TopicSnapshot> {
  const dataDir = mkdtempSync(join(tmpdir(), 'rf-order-'));
  dirs.push(dataDir);
  const env = await openEnvironment(resolveSettings({ dataDir, backend: 'embedded' }));
  try {
    await loadInputs(env, { events: EVENTS, seed: SEED, order });
    await runRiskFeaturesUntilIdle(env);
    return await outputTopicSnapshot(env);
  } finally {
    await env.close();
  }
}

const dirs: string[] = [];
let interleaved: TopicSnapshot;

describe('risk-features does not depend on the order the inputs were loaded in', () => {
  beforeAll(async () => {
    setLogLevel('warn');
    interleaved = await runWithOrder('interleaved');
  }, 300_000);
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('the interleaved (generator) order produces a plausible feature set', () => {
    // Guards the comparisons below against comparing two empty results.
    expect(interleaved.rows.length).toBeGreaterThan(10_000);
    const customers = new Set(interleaved.rows.map((r) => (JSON.parse(r) as { customer_id: string }).customer_id));
    expect(customers.size).toBeGreaterThan(50);
    // One record per (customer, window).
    const windows = new Set(
      interleaved.rows.map((r) => {
        const x = JSON.parse(r) as { customer_id: string; window_start: number };
        return `${x.customer_id}@${x.window_start}`;
      }),
    );
    expect(windows.size).toBe(interleaved.rows.length);
  });

  it.each([
    ['loan-applications, repayments, transactions', ['loan-applications', 'repayments', 'transactions']],
    ['transactions, repayments, loan-applications', ['transactions', 'repayments', 'loan-applications']],
  ] as const)(
    'loading %s one topic after another gives the same records',
    async (_name, order) => {
      const loaded = await runWithOrder(order);
      expect(rowDiff(interleaved.rows, loaded.rows)).toEqual(sameRows(interleaved.rows.length));
    },
    300_000,
  );
});
