// Windowed aggregations (tumbling, hopping, session) on randomised out-of-order input equal a
// brute-force recomputation that follows the same rules: per task (partition), stream time = max
// event time processed; a record joins every window containing it that is still open; a window is
// emitted once, when stream time >= end + grace; records fitting no open window go to .late.
import { afterEach, describe, expect, it } from 'vitest';
import { StreamsApp } from '../streams/streams-app.ts';
import { StreamsBuilder } from '../dsl/streams-builder.ts';
import { untilWindowCloses } from '../dsl/windowed-table.ts';
import { jsonSerde } from '../serdes/serde.ts';
import { BACKEND_KINDS, readTopic, seededRandom, TEST_EPOCH, testEnv, type TestEnv } from '../testing/test-backends.ts';
import { SessionWindows, TimeWindows, type Aggregator, type Windowed } from './window-specs.ts';

interface Event {
  id: number;
  amount: number;
}
interface Agg {
  count: number;
  sum: number;
  ids: number[];
}
interface Result {
  key: string;
  start: number;
  end: number;
  count: number;
  sum: number;
  ids: number[];
}

const aggregator: Aggregator<string, Event, Agg> = {
  init: () => ({ count: 0, sum: 0, ids: [] }),
  add: (a, v) => {
    a.count++;
    a.sum += v.amount;
    a.ids.push(v.id);
    return a;
  },
  merge: (a, b) => {
    a.count += b.count;
    a.sum += b.sum;
    a.ids.push(...b.ids);
    return a;
  },
};

const eventSerde = jsonSerde<Event>();
const resultSerde = jsonSerde<Result>();

function events(seed: number, n: number, maxLateMs: number): { key: string; ts: number; value: Event }[] {
  const rnd = seededRandom(seed);
  const out = [];
  let t = TEST_EPOCH + 1_000_000;
  for (let i = 0; i < n; i++) {
    t += Math.floor(rnd() * 40);
    // Mostly in order, some late: exercises grace and .late.
    const ts = rnd() < 0.2 ? t - Math.floor(rnd() * maxLateMs) : t;
    out.push({ key: `k${Math.floor(rnd() * 7)}`, ts, value: { id: i, amount: Math.floor(rnd() * 1000) } });
  }
  return out;
}

type Mode = { kind: 'time'; size: number; advance: number; grace: number } | { kind: 'session'; gap: number; grace: number };

/** What the engine must output, recomputed record by record from the input as stored per partition. */
function bruteForce(
  input: { partition: number; key: string; ts: number; value: Event }[],
  mode: Mode,
): { results: Result[]; late: number[] } {
  const results: Result[] = [];
  const late: number[] = [];
  const partitions = [...new Set(input.map((r) => r.partition))];
  for (const p of partitions) {
    let T = -Infinity;
    const records = input.filter((r) => r.partition === p);
    if (mode.kind === 'time') {
      const windows = new Map<string, Result>();
      for (const r of records) {
        T = Math.max(T, r.ts);
        const i = Math.floor(r.ts / mode.advance);
        if (i * mode.advance + mode.size + mode.grace <= T) {
          late.push(r.value.id);
          continue;
        }
        for (let j = i - mode.size / mode.advance + 1; j <= i; j++) {
          const start = j * mode.advance;
          if (start + mode.size + mode.grace <= T) continue;
          const id = `${r.key}@${start}`;
          const w = windows.get(id) ?? { key: r.key, start, end: start + mode.size, count: 0, sum: 0, ids: [] };
          w.count++;
          w.sum += r.value.amount;
          w.ids.push(r.value.id);
          windows.set(id, w);
        }
      }
      for (const w of windows.values()) if (w.end + mode.grace <= T) results.push(w);
    } else {
      const accepted: typeof records = [];
      for (const r of records) {
        T = Math.max(T, r.ts);
        if (r.ts < T - mode.grace) late.push(r.value.id);
        else accepted.push(r);
      }
      const sessions: Result[] = [];
      const byKey = new Map<string, typeof records>();
      for (const r of accepted) byKey.set(r.key, [...(byKey.get(r.key) ?? []), r]);
      for (const [key, rs] of byKey) {
        rs.sort((a, b) => a.ts - b.ts);
        let cur: Result | undefined;
        for (const r of rs) {
          if (cur && r.ts - cur.end < mode.gap) {
            cur.end = r.ts;
          } else {
            if (cur) sessions.push(cur);
            cur = { key, start: r.ts, end: r.ts, count: 0, sum: 0, ids: [] };
          }
          cur.count++;
          cur.sum += r.value.amount;
          cur.ids.push(r.value.id);
        }
        if (cur) sessions.push(cur);
      }
      for (const s of sessions) if (s.end + mode.gap + mode.grace <= T) results.push(s);
    }
  }
  return { results, late };
}

function normalise(rs: Result[]): string[] {
  return rs.map((r) => `${r.key}|${r.start}|${r.end}|${r.count}|${r.sum}|${[...r.ids].sort((a, b) => a - b).join(',')}`).sort();
}

describe.each(BACKEND_KINDS)('windowed aggregation on %s', (kind) => {
  let env: TestEnv;
  afterEach(async () => env?.cleanup());

  const cases: [string, Mode, number, number][] = [
    ['tumbling', { kind: 'time', size: 500, advance: 500, grace: 100 }, 11, 400],
    ['hopping', { kind: 'time', size: 1000, advance: 250, grace: 150 }, 12, 1800],
    // 30 slices per window with most slices filled: closing goes through the cached partial merges,
    // and records within grace change slices those partials were built from.
    ['hopping (30 slices per window)', { kind: 'time', size: 3000, advance: 100, grace: 400 }, 14, 4500],
    ['session', { kind: 'session', gap: 120, grace: 80 }, 13, 300],
  ];

  it.each(cases)('%s windows equal a brute-force recomputation', async (_name, mode, seed, maxLateMs) => {
    env = await testEnv(kind);
    const backend = await env.open();
    const input = `${env.prefix}-events`;
    const output = `${env.prefix}-windows`;
    await backend.admin().createTopics([{ name: input, partitions: 2 }]);
    const evs = events(seed, 1500, maxLateMs);
    const producer = await backend.producer();
    await producer.send(evs.map((e) => ({ topic: input, key: Buffer.from(e.key), value: eventSerde.serialize(e.value), timestamp: e.ts })));
    await producer.close();

    const b = new StreamsBuilder();
    const grouped = b.stream(input, { valueSerde: eventSerde }).groupByKey();
    const table =
      mode.kind === 'time'
        ? grouped.windowedBy(TimeWindows.hopping(mode.size, mode.advance).grace(mode.grace)).aggregate(aggregator, { storeName: 'agg' })
        : grouped.windowedBy(SessionWindows.withInactivityGap(mode.gap).grace(mode.grace)).aggregate(aggregator, { storeName: 'agg' });
    table
      .suppress(untilWindowCloses())
      .toStream()
      .mapValues((a: Agg, k: Windowed<string>): Result => ({ key: k.key, start: k.start, end: k.end, ...a }))
      .to(output, { valueSerde: resultSerde });
    const app = new StreamsApp({ applicationId: `${env.prefix}-app`, topology: b.build(), backend, stateDir: `${env.dir}/state` });
    await app.runUntilIdle();
    await app.stop();

    const stored = (await readTopic(backend, input)).map((r) => ({
      partition: r.partition,
      key: r.key!.toString(),
      ts: r.timestamp,
      value: eventSerde.deserialize(r.value),
    }));
    const expected = bruteForce(stored, mode);
    const actual = (await readTopic(backend, output)).map((r) => resultSerde.deserialize(r.value));
    expect(actual.length).toBeGreaterThan(10);
    expect(normalise(actual)).toEqual(normalise(expected.results));
    const late = (await readTopic(backend, `${output}.late`)).map((r) => eventSerde.deserialize(r.value).id);
    expect(late.sort((a, b) => a - b)).toEqual(expected.late.sort((a, b) => a - b));
    expect(late.length).toBeGreaterThan(0);
  });
});

// The DSL's handles are values: suppress() returns a new table and leaves the one it was called on
// (and a stream taken from it earlier) emitting every update. Backend-independent: embedded only.
describe('suppress on a table already streamed', () => {
  let env: TestEnv;
  afterEach(async () => env?.cleanup());

  it('leaves the earlier stream emitting updates; the suppressed one emits one final result per window', async () => {
    env = await testEnv('embedded');
    const backend = await env.open();
    const input = `${env.prefix}-events`;
    await backend.admin().createTopics([{ name: input, partitions: 1 }]);
    const producer = await backend.producer();
    const at = [
      [10, 1],
      [20, 2],
      [110, 4],
      [120, 8],
      [250, 16],
    ];
    await producer.send(
      at.map(([t, amount], id) => ({
        topic: input,
        key: Buffer.from('k'),
        value: eventSerde.serialize({ id, amount }),
        timestamp: TEST_EPOCH + t,
      })),
    );
    await producer.close();

    const b = new StreamsBuilder();
    const table = b
      .stream(input, { valueSerde: eventSerde })
      .groupByKey()
      .windowedBy(TimeWindows.tumbling(100))
      .aggregate(aggregator, { storeName: 'agg' });
    const updates = table.toStream();
    const finals = table.suppress(untilWindowCloses()).toStream();
    const asResult = (a: Agg, k: Windowed<string>): Result => ({ key: k.key, start: k.start, end: k.end, ...a });
    updates.mapValues(asResult).to(`${env.prefix}-updates`, { valueSerde: resultSerde });
    finals.mapValues(asResult).to(`${env.prefix}-finals`, { valueSerde: resultSerde });
    const topology = b.build();
    // The first stream's aggregate keeps the named store (and changelog); the second has its own.
    expect([...topology.stores.keys()].sort()).toEqual(['agg', 'agg-final']);
    expect([...topology.lateTopics].sort()).toEqual([`${env.prefix}-finals.late`, `${env.prefix}-updates.late`]);

    const app = new StreamsApp({ applicationId: `${env.prefix}-app`, topology, backend, stateDir: `${env.dir}/state` });
    await app.runUntilIdle();
    await app.stop();

    const read = async (topic: string): Promise<string[]> =>
      (await readTopic(backend, topic))
        .map((r) => resultSerde.deserialize(r.value))
        .map((r) => `${r.start - TEST_EPOCH}-${r.end - TEST_EPOCH}: ${r.count} ${r.sum}`);
    expect(await read(`${env.prefix}-updates`)).toEqual(['0-100: 1 1', '0-100: 2 3', '100-200: 1 4', '100-200: 2 12', '200-300: 1 16']);
    // Times relative to TEST_EPOCH (a multiple of 100); [200, 300) is still open at stream time 250.
    expect(await read(`${env.prefix}-finals`)).toEqual(['0-100: 2 3', '100-200: 2 12']);
  });
});
