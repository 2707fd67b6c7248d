// Event-time stream-table join: each order sees the price in force at its own time (versioned table),
// and timestamp synchronisation makes the result independent of which topic was loaded first.
import { afterEach, describe, expect, it } from 'vitest';
import { StreamsApp } from '../streams/streams-app.ts';
import { StreamsBuilder } from '../dsl/streams-builder.ts';
import { jsonSerde } from '../serdes/serde.ts';
import { BACKEND_KINDS, readTopic, seededRandom, TEST_EPOCH, testEnv, type TestEnv } from '../testing/test-backends.ts';

interface Order {
  id: number;
  qty: number;
}
interface Price {
  cents: number;
}
interface Priced {
  id: number;
  total: number | null;
}

const orderSerde = jsonSerde<Order>();
const priceSerde = jsonSerde<Price>();
const pricedSerde = jsonSerde<Priced>();

function data(seed: number): { orders: { key: string; ts: number; v: Order }[]; prices: { key: string; ts: number; v: Price }[] } {
  const rnd = seededRandom(seed);
  const orders = [];
  const prices = [];
  for (let i = 0; i < 400; i++) {
    // Prices at even, orders at odd milliseconds: no ties between the topics.
    prices.push({ key: `p${i % 9}`, ts: TEST_EPOCH + 2 * i * 10, v: { cents: 100 + Math.floor(rnd() * 900) } });
    orders.push({
      key: `p${Math.floor(rnd() * 9)}`,
      ts: TEST_EPOCH + 2 * i * 10 + 1 + 2 * Math.floor(rnd() * 5),
      v: { id: i, qty: 1 + Math.floor(rnd() * 5) },
    });
  }
  orders.sort((a, b) => a.ts - b.ts);
  return { orders, prices };
}

describe.each(BACKEND_KINDS)('event-time stream-table join on %s', (kind) => {
  let env: TestEnv;
  afterEach(async () => env?.cleanup());

  async function run(pricesFirst: boolean, tag: string): Promise<string[]> {
    const backend = await env.open();
    const orders = `${env.prefix}-${tag}-orders`;
    const prices = `${env.prefix}-${tag}-prices`;
    const out = `${env.prefix}-${tag}-priced`;
    await backend.admin().createTopics([
      { name: orders, partitions: 2 },
      { name: prices, partitions: 2 },
    ]);
    const d = data(7);
    const producer = await backend.producer();
    const sendOrders = () =>
      producer.send(d.orders.map((o) => ({ topic: orders, key: Buffer.from(o.key), value: orderSerde.serialize(o.v), timestamp: o.ts })));
    const sendPrices = () =>
      producer.send(d.prices.map((p) => ({ topic: prices, key: Buffer.from(p.key), value: priceSerde.serialize(p.v), timestamp: p.ts })));
    if (pricesFirst) {
      await sendPrices();
      await sendOrders();
    } else {
      await sendOrders();
      await sendPrices();
    }
    await producer.close();
    const b = new StreamsBuilder();
    const table = b.versionedTable(prices, { valueSerde: priceSerde, storeName: 'prices' });
    b.stream(orders, { valueSerde: orderSerde })
      .leftJoin(table, (o: Order, p: Price | null): Priced => ({ id: o.id, total: p ? p.cents * o.qty : null }))
      .to(out, { valueSerde: pricedSerde });
    const app = new StreamsApp({
      applicationId: `${env.prefix}-${tag}-app`,
      topology: b.build(),
      backend,
      stateDir: `${env.dir}/state-${tag}`,
    });
    await app.runUntilIdle();
    await app.stop();

    // Expected: the latest price of the key with time <= the order's time.
    const expected = d.orders.map((o) => {
      const p = d.prices.filter((x) => x.key === o.key && x.ts <= o.ts).at(-1);
      return JSON.stringify({ id: o.v.id, total: p ? p.v.cents * o.v.qty : null });
    });
    const actual = (await readTopic(backend, out)).map((r) => JSON.stringify(pricedSerde.deserialize(r.value)));
    expect(actual.sort()).toEqual(expected.sort());
    return actual.sort();
  }

  it('joins as of each record time, whichever topic was loaded first', async () => {
    env = await testEnv(kind);
    const a = await run(true, 'a');
    const b = await run(false, 'b');
    expect(a).toEqual(b);
    expect(a.some((x) => x.includes('null'))).toBe(true);
  });
});
