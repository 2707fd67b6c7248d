// Tables (builder.table) on both backends: latest value per key with tombstones, filter/mapValues/
// toStream, table-table joins, groupBy-aggregate with its subtractor, the stream-table join against a
// plain table, and restore from the source topic (no changelog topic) after the local state is gone.
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { Backend } from '../backend/backend.ts';
import { StreamsApp } from '../streams/streams-app.ts';
import { StreamsBuilder } from '../dsl/streams-builder.ts';
import { jsonSerde, type Serde } from '../serdes/serde.ts';
import { changelogTopicOf } from '../state/state-store.ts';
import { BACKEND_KINDS, readTopic, TEST_EPOCH, testEnv, type TestEnv } from '../testing/test-backends.ts';

interface Debtor {
  partner: string;
  balance: number;
}
const debtorSerde = jsonSerde<Debtor>();
const anySerde = jsonSerde<unknown>();

/** [key, value or null (tombstone), time offset] */
type Row = [string, unknown, number];

async function produce(backend: Backend, topic: string, rows: Row[], serde: Serde<unknown> = anySerde): Promise<void> {
  const p = await backend.producer();
  await p.send(
    rows.map(([k, v, t]) => ({ topic, key: Buffer.from(k), value: v === null ? null : serde.serialize(v), timestamp: TEST_EPOCH + t })),
  );
  await p.close();
}

/** Creates the topics with 2 partitions each. */
async function createTopics(backend: Backend, ...names: string[]): Promise<void> {
  await backend.admin().createTopics(names.map((name) => ({ name, partitions: 2 })));
}

/** Every value of a topic per key, in order (a key lives in one partition). */
async function byKey(backend: Backend, topic: string): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const r of await readTopic(backend, topic)) {
    const k = r.key!.toString('utf8');
    (out[k] ??= []).push(r.value === null ? null : anySerde.deserialize(r.value));
  }
  return out;
}

function lastOf(values: Record<string, unknown[]>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v.at(-1)]));
}

describe.each(BACKEND_KINDS)('tables on %s', (kind) => {
  let env: TestEnv;
  afterEach(async () => env?.cleanup());

  async function runApp(backend: Backend, b: StreamsBuilder, tag: string): Promise<void> {
    const app = new StreamsApp({
      applicationId: `${env.prefix}-${tag}-app`,
      topology: b.build(),
      backend,
      stateDir: `${env.dir}/state-${tag}`,
    });
    await app.runUntilIdle();
    await app.stop();
  }

  it('keeps the latest value per key, deletes on tombstones, and filters and maps both sides of a change', async () => {
    env = await testEnv(kind);
    const backend = await env.open();
    const input = `${env.prefix}-debtors`;
    await createTopics(backend, input);
    await produce(backend, input, [
      ['d1', { partner: 'p1', balance: 100 }, 1],
      ['d2', { partner: 'p1', balance: 50 }, 2],
      ['d1', { partner: 'p2', balance: 70 }, 3],
      ['d3', { partner: 'p2', balance: 10 }, 4],
      ['d2', null, 5],
      ['d4', null, 6],
      ['d3', { partner: 'p2', balance: 60 }, 7],
      ['d1', { partner: 'p2', balance: 20 }, 8],
    ]);
    const b = new StreamsBuilder();
    const table = b.table(input, { valueSerde: debtorSerde });
    table.toStream().to(`${env.prefix}-all`, { valueSerde: debtorSerde });
    table
      .filter((_k, v) => v.balance >= 50)
      .mapValues((v) => v.balance)
      .toStream()
      .to(`${env.prefix}-big`, { valueSerde: jsonSerde<number>() });
    await runApp(backend, b, 'a');

    expect(await byKey(backend, `${env.prefix}-all`)).toEqual({
      d1: [
        { partner: 'p1', balance: 100 },
        { partner: 'p2', balance: 70 },
        { partner: 'p2', balance: 20 },
      ],
      d2: [{ partner: 'p1', balance: 50 }, null],
      d3: [
        { partner: 'p2', balance: 10 },
        { partner: 'p2', balance: 60 },
      ],
    });
    // d3 enters the filtered table at 60; d1 leaves it (a delete) when its balance drops to 20.
    expect(await byKey(backend, `${env.prefix}-big`)).toEqual({ d1: [100, 70, null], d2: [50, null], d3: [60] });
  });

  it('joins two tables, inner and left, through updates and deletes on either side', async () => {
    env = await testEnv(kind);
    const backend = await env.open();
    const left = `${env.prefix}-left`;
    const right = `${env.prefix}-right`;
    await createTopics(backend, left, right);
    await produce(backend, left, [
      ['k1', 'a', 1],
      ['k1', 'b', 3],
      ['k2', 'c', 5],
      ['k2', null, 7],
    ]);
    await produce(backend, right, [
      ['k1', 'x', 2],
      ['k1', null, 4],
      ['k2', 'y', 6],
      ['k3', 'z', 8],
    ]);
    const b = new StreamsBuilder();
    const l = b.table(left, { valueSerde: jsonSerde<string>() });
    const r = b.table(right, { valueSerde: jsonSerde<string>() });
    l.join(r, (lv, rv) => `${lv}+${rv}`)
      .toStream()
      .to(`${env.prefix}-inner`, { valueSerde: jsonSerde<string>() });
    l.leftJoin(r, (lv, rv) => `${lv}+${rv ?? 'none'}`)
      .toStream()
      .to(`${env.prefix}-left-out`, { valueSerde: jsonSerde<string>() });
    await runApp(backend, b, 'j');

    expect(await byKey(backend, `${env.prefix}-inner`)).toEqual({ k1: ['a+x', 'b+x', null], k2: ['c+y', null] });
    expect(await byKey(backend, `${env.prefix}-left-out`)).toEqual({
      k1: ['a+none', 'a+x', 'b+x', 'b+none'],
      k2: ['c+none', 'c+y', null],
    });
  });

  it('sums balances per partner through a repartition topic, subtracting when a debtor moves or is deleted', async () => {
    env = await testEnv(kind);
    const backend = await env.open();
    const input = `${env.prefix}-debtors`;
    await createTopics(backend, input);
    const rows: Row[] = [
      ['d1', { partner: 'p1', balance: 100 }, 1],
      ['d2', { partner: 'p1', balance: 50 }, 2],
      ['d3', { partner: 'p2', balance: 5 }, 3],
      ['d1', { partner: 'p2', balance: 100 }, 4], // moves p1 -> p2
      ['d2', { partner: 'p1', balance: 80 }, 5], // update within p1
      ['d4', { partner: 'p3', balance: 7 }, 6],
      ['d4', null, 7], // deleted: p3 back to 0
      ['d5', { partner: 'p1', balance: 1 }, 8],
      ['d5', { partner: 'p3', balance: 2 }, 9],
    ];
    await produce(backend, input, rows);
    const b = new StreamsBuilder();
    const grouped = b.table(input, { valueSerde: debtorSerde }).groupBy((_k, v) => [v.partner, v.balance], { name: 'by-partner' });
    grouped
      .aggregate(
        () => 0,
        (_k, v, sum) => sum + v,
        (_k, v, sum) => sum - v,
        { storeName: 'partner-sums' },
      )
      .toStream()
      .to(`${env.prefix}-sums`, { valueSerde: jsonSerde<number>() });
    grouped.count().toStream().to(`${env.prefix}-counts`, { valueSerde: jsonSerde<number>() });
    await runApp(backend, b, 'g');

    expect(lastOf(await byKey(backend, `${env.prefix}-sums`))).toEqual({ p1: 80, p2: 105, p3: 2 });
    expect(lastOf(await byKey(backend, `${env.prefix}-counts`))).toEqual({ p1: 1, p2: 2, p3: 1 });
    const topics = (await backend.admin().listTopics()).map((t) => t.name);
    expect(topics).toContain(`${env.prefix}-g-app-by-partner-repartition`);
  });

  it('joins a stream with the current value of a plain table', async () => {
    env = await testEnv(kind);
    const backend = await env.open();
    const debtors = `${env.prefix}-debtors`;
    const payments = `${env.prefix}-payments`;
    await createTopics(backend, debtors, payments);
    await produce(backend, payments, [
      ['d1', 10, 2],
      ['d2', 5, 3],
      ['d1', 7, 5],
      ['d1', 3, 7],
    ]);
    await produce(backend, debtors, [
      ['d1', { partner: 'p1', balance: 1 }, 1],
      ['d1', { partner: 'p2', balance: 1 }, 4],
      ['d1', null, 6],
    ]);
    const b = new StreamsBuilder();
    const table = b.table(debtors, { valueSerde: debtorSerde });
    const pays = b.stream(payments, { valueSerde: jsonSerde<number>() });
    pays.join(table, (amount, d) => `${amount}@${d.partner}`).to(`${env.prefix}-inner`, { valueSerde: jsonSerde<string>() });
    pays.leftJoin(table, (amount, d) => `${amount}@${d?.partner ?? 'none'}`).to(`${env.prefix}-left`, { valueSerde: jsonSerde<string>() });
    await runApp(backend, b, 's');

    expect(await byKey(backend, `${env.prefix}-inner`)).toEqual({ d1: ['10@p1', '7@p2'] });
    expect(await byKey(backend, `${env.prefix}-left`)).toEqual({ d1: ['10@p1', '7@p2', '3@none'], d2: ['5@none'] });
  });

  it('restores a table from its source topic up to the committed offset, without a changelog topic', async () => {
    env = await testEnv(kind);
    const backend = await env.open();
    const debtors = `${env.prefix}-debtors`;
    const payments = `${env.prefix}-payments`;
    await createTopics(backend, debtors, payments);
    const appId = `${env.prefix}-r-app`;
    const stateDir = `${env.dir}/state-r`;
    const topology = (): StreamsBuilder => {
      const b = new StreamsBuilder();
      const table = b.table(debtors, { valueSerde: debtorSerde, storeName: 'debtors-table' });
      table
        .groupBy((_k, v) => [v.partner, v.balance])
        .aggregate(
          () => 0,
          (_k, v, s) => s + v,
          (_k, v, s) => s - v,
        )
        .toStream()
        .to(`${env.prefix}-sums`, { valueSerde: jsonSerde<number>() });
      b.stream(payments, { valueSerde: jsonSerde<number>() })
        .leftJoin(table, (amount, d) => `${amount}@${d?.partner ?? 'none'}`)
        .to(`${env.prefix}-joined`, { valueSerde: jsonSerde<string>() });
      return b;
    };
    const run = async (): Promise<void> => {
      const app = new StreamsApp({ applicationId: appId, topology: topology().build(), backend, stateDir });
      await app.runUntilIdle();
      await app.stop();
    };

    await produce(backend, debtors, [
      ['d1', { partner: 'p1', balance: 100 }, 1],
      ['d2', { partner: 'p1', balance: 50 }, 2],
      ['d3', { partner: 'p2', balance: 5 }, 3],
    ]);
    await run();
    const topics = (await backend.admin().listTopics()).map((t) => t.name);
    expect(topics).not.toContain(changelogTopicOf(appId, 'debtors-table'));
    expect(topics.filter((t) => t.startsWith(appId) && t.endsWith('-changelog')).length).toBeGreaterThan(0);

    // Written before the restart, so beyond the committed offset: restore must stop short of them,
    // or d1's move would find p2 as its old partner and never leave p1.
    await produce(backend, debtors, [
      ['d1', { partner: 'p2', balance: 100 }, 10],
      ['d3', null, 11],
    ]);
    await produce(backend, payments, [
      ['d2', 1, 12],
      ['d3', 2, 13],
    ]);
    fs.rmSync(stateDir, { recursive: true, force: true });
    await run();
    expect(lastOf(await byKey(backend, `${env.prefix}-sums`))).toEqual({ p1: 50, p2: 100 });
    expect(await byKey(backend, `${env.prefix}-joined`)).toEqual({ d2: ['1@p1'], d3: ['2@none'] });

    // Third run from the local copy the second one checkpointed.
    await produce(backend, debtors, [['d2', { partner: 'p2', balance: 50 }, 20]]);
    await produce(backend, payments, [['d1', 3, 21]]);
    await run();
    expect(lastOf(await byKey(backend, `${env.prefix}-sums`))).toEqual({ p1: 0, p2: 150 });
    expect((await byKey(backend, `${env.prefix}-joined`)).d1).toEqual(['3@p2']);
  });
});
