// The risk-features changelog serde on its own: what the slice store does with every slice touched
// since the last commit (serializeAfter behind the store's 7 header bytes) and on restore
// (deserialize of the bytes behind that header), in CPU µs per aggregate. The aggregates are built by
// the pipeline's own add functions, shaped like the demo's: most are day slices of a few events,
// some are 30-day windows.
import { SPENDING_CATEGORIES } from '../connectors/categorizer/categories.ts';
import { featureAggregateSerde } from '../pipelines/risk-features/feature-aggregate-serde.ts';
import { emptyAggregate, type FeatureAggregate } from '../pipelines/risk-features/feature-aggregate.ts';
import { addRepayment, addTransaction, DAY_MS } from '../pipelines/risk-features/window-aggregate.ts';

const AGGREGATES = 10_000;
const PASSES = 30;
/** The slice store's header: a kind byte and a 6-byte slice index. */
const STORE_HEADER_BYTES = 7;

/** A deterministic pseudo-random stream (mulberry32), so every run measures the same aggregates. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function aggregates(): FeatureAggregate[] {
  const next = random(22);
  const out: FeatureAggregate[] = [];
  for (let i = 0; i < AGGREGATES; i++) {
    const agg = emptyAggregate();
    // One in ten is a 30-day window (~65 events), the rest day slices (1-4 events).
    const events = i % 10 === 0 ? 50 + Math.floor(next() * 30) : 1 + Math.floor(next() * 4);
    for (let e = 0; e < events; e++) {
      const tenant_id = `tenant-${1 + Math.floor(next() * 3)}`;
      if (next() < 0.05) {
        const due_at = 1_700_000_000_000 + Math.floor(next() * 30) * DAY_MS;
        const paid_at = next() < 0.7 ? due_at - DAY_MS : next() < 0.5 ? null : due_at + Math.floor(next() * 40) * DAY_MS;
        addRepayment(agg, { tenant_id, event_time: due_at + 45 * DAY_MS, due_at, paid_at });
      } else {
        const debit = next() < 0.8;
        const amount_cents = Math.floor(next() * (debit ? 20_000 : 300_000));
        const category = SPENDING_CATEGORIES[Math.floor(next() * SPENDING_CATEGORIES.length)];
        addTransaction(
          agg,
          { tenant_id, direction: debit ? 'DEBIT' : 'CREDIT', amount_cents, merchant: 'm', description: 'd', category },
          category,
        );
      }
    }
    out.push(agg);
  }
  return out;
}

/**
 * CPU time of this process (user + system, GC threads included), not wall time: on a machine
 * shared with other work, waiting for a core is no cost of the serde.
 */
function cpuMicros(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}

export async function run(): Promise<Record<string, number>> {
  const aggs = aggregates();
  const framed: Buffer[] = new Array<Buffer>(aggs.length);
  let bytes = 0;
  let check = 0;
  let serializeUs = 0;
  let deserializeUs = 0;
  for (let pass = 0; pass <= PASSES; pass++) {
    const t0 = cpuMicros();
    for (let i = 0; i < aggs.length; i++) framed[i] = featureAggregateSerde.serializeAfter!(aggs[i], STORE_HEADER_BYTES);
    const t1 = cpuMicros();
    for (let i = 0; i < framed.length; i++) check += featureAggregateSerde.deserialize(framed[i].subarray(STORE_HEADER_BYTES)).txn_count;
    const t2 = cpuMicros();
    // Pass 0 warms the JIT up and is not counted.
    if (pass === 0) continue;
    serializeUs += t1 - t0;
    deserializeUs += t2 - t1;
  }
  for (const b of framed) bytes += b.length - STORE_HEADER_BYTES;
  const expected = aggs.reduce((n, a) => n + a.txn_count, 0) * (PASSES + 1);
  if (check !== expected) throw new Error(`feature aggregate serde bench: read back ${check} transactions, wrote ${expected}`);
  const perAggregate = (us: number): number => us / (aggs.length * PASSES);
  return {
    agg_serde_us: perAggregate(serializeUs + deserializeUs),
    agg_serialize_us: perAggregate(serializeUs),
    agg_deserialize_us: perAggregate(deserializeUs),
    agg_value_bytes: bytes / aggs.length,
  };
}
