// VersionedTable.toStream(): a table's updates as a stream, each passed on once the versioned store
// holds it, so one processor can both react to updates and read the table as of any time. On equal
// timestamps the task takes the source declared first: a table declared before a stream is updated
// before a stream record of the same instant reads it, whichever topic was loaded first.
import { afterEach, describe, expect, it } from 'vitest';
import { StreamsBuilder } from '../dsl/streams-builder.ts';
import type { Processor, ProcessorContext } from '../processors/processor.ts';
import { jsonSerde } from '../serdes/serde.ts';
import type { VersionedStore } from '../state/versioned-store.ts';
import { StreamsApp } from '../streams/streams-app.ts';
import { BACKEND_KINDS, readTopic, TEST_EPOCH, testEnv, type TestEnv } from '../testing/test-backends.ts';

type In = { update: number } | { ask: number };
const numberSerde = jsonSerde<number>();
const lineSerde = jsonSerde<string>();

class Reader implements Processor<string, In, string, string> {
  private ctx!: ProcessorContext<string, string>;
  private store!: VersionedStore<number>;
  init(ctx: ProcessorContext<string, string>): void {
    this.ctx = ctx;
    this.store = ctx.getStateStore('book');
  }
  process(key: string, v: In, ts: number): void {
    const at = ts - TEST_EPOCH;
    const seen = this.store.get(key, ts) ?? null;
    this.ctx.forward(key, 'update' in v ? `${key}@${at} update ${v.update} holds ${seen}` : `${key}@${at} ask sees ${seen}`, ts);
  }
}

describe.each(BACKEND_KINDS)('versioned table as a stream on %s', (kind) => {
  let env: TestEnv;
  afterEach(async () => env?.cleanup());

  it('passes each update on after the store holds it; a same-instant stream record sees it', async () => {
    env = await testEnv(kind);
    const backend = await env.open();
    const [book, asks, out] = ['book', 'asks', 'out'].map((t) => `${env.prefix}-${t}`);
    await backend.admin().createTopics([
      { name: book, partitions: 1 },
      { name: asks, partitions: 1 },
    ]);
    const producer = await backend.producer();
    const rec = (topic: string, key: string, at: number, value: number) => ({
      topic,
      key: Buffer.from(key),
      value: numberSerde.serialize(value),
      timestamp: TEST_EPOCH + at,
    });
    // The asks are loaded first; the task still orders by time, the book first on a tie.
    await producer.send([rec(asks, 'a', 5, 0), rec(asks, 'a', 3, 0), rec(asks, 'b', 10, 0)]);
    await producer.send([rec(book, 'a', 0, 100), rec(book, 'a', 5, 200), rec(book, 'b', 10, 7)]);
    await producer.close();

    const b = new StreamsBuilder();
    const table = b.versionedTable<number>(book, { valueSerde: numberSerde, storeName: 'book' });
    const asked = b.stream<number>(asks, { valueSerde: numberSerde }).mapValues((): In => ({ ask: 0 }));
    table
      .toStream()
      .mapValues((v): In => ({ update: v }))
      .merge(asked)
      .process<string, string>(() => new Reader(), 'book')
      .to(out, { valueSerde: lineSerde });
    const app = new StreamsApp({ applicationId: `${env.prefix}-app`, topology: b.build(), backend, stateDir: `${env.dir}/state` });
    await app.runUntilIdle();
    await app.stop();
    const lines = (await readTopic(backend, out)).map((r) => lineSerde.deserialize(r.value));
    // Arrival order within the asks partition: a@5 before a@3 (a@5 waits for the book's a@5).
    expect(lines).toEqual([
      'a@0 update 100 holds 100',
      'a@5 update 200 holds 200',
      'a@5 ask sees 200',
      'a@3 ask sees 100',
      'b@10 update 7 holds 7',
      'b@10 ask sees 7',
    ]);
  });
});
