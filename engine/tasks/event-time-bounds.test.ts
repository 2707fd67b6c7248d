// A record dated far ahead of the wall clock (year 3000) or before the floor goes to
// `<topic>.dlq` with the reason and leaves stream time where it was: the records after it still
// land in their windows, none goes to `.late` because of it.
import { afterEach, describe, expect, it } from 'vitest';
import { StreamsApp } from '../streams/streams-app.ts';
import { StreamsBuilder } from '../dsl/streams-builder.ts';
import { untilWindowCloses } from '../dsl/windowed-table.ts';
import { jsonSerde } from '../serdes/serde.ts';
import { BACKEND_KINDS, readTopic, testEnv, type TestEnv } from '../testing/test-backends.ts';
import { TimeWindows, type Windowed } from '../windows/window-specs.ts';

interface Payment {
  id: number;
}
interface Count {
  start: number;
  ids: number[];
}
const paymentSerde = jsonSerde<Payment>();
const countSerde = jsonSerde<Count>();

const HOUR = 3_600_000;
const T0 = Date.UTC(2024, 0, 1);
const YEAR_3000 = Date.UTC(3000, 0, 1);
const SECONDS_AS_MS = 1_719_741_600; // 2024-06-30T10:00:00Z in epoch seconds: 1970-01-20 as ms

describe.each(BACKEND_KINDS)('event-time bounds on %s', (kind) => {
  let env: TestEnv;
  afterEach(async () => env?.cleanup());

  it('sends a record dated in 3000 and one before the floor to the DLQ without advancing stream time', async () => {
    env = await testEnv(kind);
    const backend = await env.open();
    const input = `${env.prefix}-payments`;
    const output = `${env.prefix}-hourly`;
    await backend.admin().createTopics([{ name: input, partitions: 1 }]);
    // Payments 10 minutes apart over 5 hours; the 3000 one comes third, the seconds-as-ms one ninth.
    const times = Array.from({ length: 30 }, (_, i) => T0 + i * 10 * 60_000);
    times[2] = YEAR_3000;
    times[8] = SECONDS_AS_MS;
    const producer = await backend.producer();
    await producer.send(
      times.map((timestamp, id) => ({ topic: input, key: Buffer.from('acct'), value: paymentSerde.serialize({ id }), timestamp })),
    );
    await producer.close();

    const b = new StreamsBuilder();
    b.stream(input, { valueSerde: paymentSerde })
      .groupByKey()
      .windowedBy(TimeWindows.hopping(HOUR, HOUR).grace(0))
      .aggregate<number[]>(
        { init: () => [], add: (ids, p: Payment) => [...ids, p.id], merge: (a, c) => [...a, ...c] },
        { storeName: 'ids' },
      )
      .suppress(untilWindowCloses())
      .toStream()
      .mapValues((ids: number[], k: Windowed<string>): Count => ({ start: k.start, ids }))
      .to(output, { valueSerde: countSerde });
    const app = new StreamsApp({ applicationId: `${env.prefix}-app`, topology: b.build(), backend, stateDir: `${env.dir}/state` });
    await app.runUntilIdle();
    const progress = app.progress();
    await app.stop();

    const dlq = await readTopic(backend, `${input}.dlq`);
    expect(dlq.map((r) => [paymentSerde.deserialize(r.value).id, r.headers.source_offset])).toEqual([
      [2, '2'],
      [8, '8'],
    ]);
    expect(dlq[0].headers.error).toMatch(
      /^EventTimeOutOfRangeError: event time 3000-01-01T00:00:00\.000Z is more than 1 day ahead of the wall clock \(\d{4}-\d\d-\d\dT[\d:.]+Z\)$/,
    );
    expect(dlq[1].headers.error).toBe(
      'EventTimeOutOfRangeError: event time 1970-01-20T21:42:21.600Z is before 2000-01-01T00:00:00.000Z, the earliest accepted',
    );
    expect(progress.dlq).toBe(2);
    expect(progress.late).toBe(0);
    expect(await readTopic(backend, `${output}.late`)).toEqual([]);

    // Windows close at stream time: the last hour (ids 24..29) is still open at the end.
    const windows = (await readTopic(backend, output)).map((r) => countSerde.deserialize(r.value));
    expect(windows).toEqual([
      { start: T0, ids: [0, 1, 3, 4, 5] },
      { start: T0 + HOUR, ids: [6, 7, 9, 10, 11] },
      { start: T0 + 2 * HOUR, ids: [12, 13, 14, 15, 16, 17] },
      { start: T0 + 3 * HOUR, ids: [18, 19, 20, 21, 22, 23] },
    ]);
  });

  it('takes an out-of-bounds head record first, so the records behind it are not held back into lateness', async () => {
    env = await testEnv(kind);
    const backend = await env.open();
    const left = `${env.prefix}-left`;
    const right = `${env.prefix}-right`;
    const output = `${env.prefix}-hourly`;
    await backend.admin().createTopics([
      { name: left, partitions: 1 },
      { name: right, partitions: 1 },
    ]);
    // Timestamp-synchronised, a 3000 head would wait until right ran dry at T0 + 2h and closed the
    // first hour; the left record behind it (T0 + 10 min) would then be late.
    const producer = await backend.producer();
    const send = (topic: string, events: [number, number][]) =>
      producer.send(
        events.map(([id, timestamp]) => ({ topic, key: Buffer.from('acct'), value: paymentSerde.serialize({ id }), timestamp })),
      );
    await send(left, [
      [0, T0],
      [1, YEAR_3000],
      [2, T0 + 10 * 60_000],
    ]);
    await send(right, [
      [3, T0 + 5 * 60_000],
      [4, T0 + 2 * HOUR],
    ]);
    await producer.close();

    const b = new StreamsBuilder();
    b.stream(left, { valueSerde: paymentSerde })
      .merge(b.stream(right, { valueSerde: paymentSerde }))
      .groupByKey()
      .windowedBy(TimeWindows.hopping(HOUR, HOUR).grace(0))
      .aggregate<number[]>(
        { init: () => [], add: (ids, p: Payment) => [...ids, p.id], merge: (a, c) => [...a, ...c] },
        { storeName: 'ids' },
      )
      .suppress(untilWindowCloses())
      .toStream()
      .mapValues((ids: number[], k: Windowed<string>): Count => ({ start: k.start, ids }))
      .to(output, { valueSerde: countSerde });
    const app = new StreamsApp({ applicationId: `${env.prefix}-app`, topology: b.build(), backend, stateDir: `${env.dir}/state` });
    await app.runUntilIdle();
    await app.stop();

    expect((await readTopic(backend, `${left}.dlq`)).map((r) => paymentSerde.deserialize(r.value).id)).toEqual([1]);
    expect(await readTopic(backend, `${output}.late`)).toEqual([]);
    expect((await readTopic(backend, output)).map((r) => countSerde.deserialize(r.value))).toEqual([{ start: T0, ids: [0, 3, 2] }]);
  });

  it('takes its bounds from the options', async () => {
    env = await testEnv(kind);
    const backend = await env.open();
    const input = `${env.prefix}-payments`;
    const output = `${env.prefix}-ids`;
    await backend.admin().createTopics([{ name: input, partitions: 1 }]);
    const now = Date.now();
    const times = [T0 - 1, T0, now + 2 * HOUR, now + 10 * 60_000];
    const producer = await backend.producer();
    await producer.send(
      times.map((timestamp, id) => ({ topic: input, key: Buffer.from('acct'), value: paymentSerde.serialize({ id }), timestamp })),
    );
    await producer.close();

    const b = new StreamsBuilder();
    b.stream(input, { valueSerde: paymentSerde }).to(output, { valueSerde: paymentSerde });
    const app = new StreamsApp({
      applicationId: `${env.prefix}-app`,
      topology: b.build(),
      backend,
      stateDir: `${env.dir}/state`,
      minEventTime: T0,
      maxEventTimeSkewMs: HOUR,
    });
    await app.runUntilIdle();
    await app.stop();

    expect((await readTopic(backend, output)).map((r) => paymentSerde.deserialize(r.value).id)).toEqual([1, 3]);
    const dlq = await readTopic(backend, `${input}.dlq`);
    expect(dlq.map((r) => paymentSerde.deserialize(r.value).id)).toEqual([0, 2]);
    expect(dlq[0].headers.error).toBe(
      'EventTimeOutOfRangeError: event time 2023-12-31T23:59:59.999Z is before 2024-01-01T00:00:00.000Z, the earliest accepted',
    );
    expect(dlq[1].headers.error).toMatch(/is more than 1 h ahead of the wall clock/);
  });
});
