// A small risk-features-like topology for the crash and restore tests: two co-partitioned streams
// merged, hopping windows aggregated with slices and suppressed, joined as of window end - 1 against
// a versioned table, written out. Deterministic output (no processing-time fields).
import { StreamsBuilder } from '../dsl/streams-builder.ts';
import { untilWindowCloses } from '../dsl/windowed-table.ts';
import { jsonSerde } from '../serdes/serde.ts';
import type { Topology } from '../topology/topology.ts';
import { TimeWindows } from '../windows/window-specs.ts';
import { seededRandom, TEST_EPOCH } from './test-backends.ts';

export interface Movement {
  id: number;
  cents: number;
}
export interface Limit {
  cents: number;
}
export interface WindowResult {
  key: string;
  start: number;
  count: number;
  sum: number;
  maxId: number;
  limit: number | null;
}

export const movementSerde = jsonSerde<Movement>();
export const limitSerde = jsonSerde<Limit>();
export const resultSerde = jsonSerde<WindowResult>();

export function crashTopics(prefix: string): { debits: string; credits: string; limits: string; out: string } {
  return { debits: `${prefix}-debits`, credits: `${prefix}-credits`, limits: `${prefix}-limits`, out: `${prefix}-out` };
}

export function crashTopology(prefix: string): Topology {
  const t = crashTopics(prefix);
  const b = new StreamsBuilder();
  const limits = b.versionedTable(t.limits, { valueSerde: limitSerde, storeName: 'limits' });
  const debits = b.stream(t.debits, { valueSerde: movementSerde }).mapValues((m: Movement) => ({ id: m.id, cents: -m.cents }));
  const credits = b.stream(t.credits, { valueSerde: movementSerde });
  debits
    .merge(credits)
    .groupByKey()
    .windowedBy(TimeWindows.hopping(1000, 100).grace(100))
    .aggregate<{ count: number; sum: number; maxId: number }>(
      {
        init: () => ({ count: 0, sum: 0, maxId: -1 }),
        add: (a, m) => ({ count: a.count + 1, sum: a.sum + m.cents, maxId: Math.max(a.maxId, m.id) }),
        merge: (a, b2) => ({ count: a.count + b2.count, sum: a.sum + b2.sum, maxId: Math.max(a.maxId, b2.maxId) }),
      },
      { storeName: 'slices' },
    )
    .suppress(untilWindowCloses())
    .toStream()
    .leftJoin(limits, (a, l: Limit | null, k): WindowResult => ({ key: k.key, start: k.start, ...a, limit: l?.cents ?? null }), {
      tableKey: (k) => k.key,
      asOf: (k) => k.end - 1,
    })
    .to(t.out, { valueSerde: resultSerde });
  return b.build();
}

/** Deterministic input: n movements over 20 keys, some out of order, plus limits. */
export function crashInput(prefix: string, n: number): { topic: string; key: Buffer; value: Buffer | null; timestamp: number }[] {
  const t = crashTopics(prefix);
  const rnd = seededRandom(99);
  const out = [];
  let ts = TEST_EPOCH + 10_000;
  for (let i = 0; i < n; i++) {
    ts += Math.floor(rnd() * 3);
    const key = `c${Math.floor(rnd() * 20)}`;
    const at = rnd() < 0.1 ? ts - Math.floor(rnd() * 150) : ts;
    const r = rnd();
    if (r < 0.05)
      out.push({ topic: t.limits, key: Buffer.from(key), value: limitSerde.serialize({ cents: Math.floor(rnd() * 1e5) }), timestamp: at });
    else
      out.push({
        topic: r < 0.6 ? t.debits : t.credits,
        key: Buffer.from(key),
        value: movementSerde.serialize({ id: i, cents: 1 + Math.floor(rnd() * 1000) }),
        timestamp: at,
      });
  }
  return out;
}
