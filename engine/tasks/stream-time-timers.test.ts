// Keyed stream-time timers and persisted stream-time punctuation, on both backends: timers fire
// once stream time reaches them, in (due time, key) order, right after the record that moved
// stream time; cancel and move work; a timer set in the past fires after the record that set it.
// The run stops half way and loses its local state dir, so the second half fires timers and
// punctuations restored from the changelogs, and a punctuation already fired is not fired again.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { StreamsApp } from '../streams/streams-app.ts';
import { StreamsBuilder } from '../dsl/streams-builder.ts';
import type { Processor, ProcessorContext } from '../processors/processor.ts';
import { jsonSerde } from '../serdes/serde.ts';
import type { TimerService } from '../state/timer-store.ts';
import { timerStore } from '../state/timer-store.ts';
import { keyValueStore } from '../state/key-value-store.ts';
import { stringSerde } from '../serdes/serde.ts';
import { BACKEND_KINDS, readTopic, TEST_EPOCH, testEnv, type TestEnv } from '../testing/test-backends.ts';

const E = TEST_EPOCH;

interface Op {
  op: 'set' | 'cancel' | 'tick';
  key?: string;
  due?: number;
}
type Out = { timer: string; due: number; at: number; after: number } | { punctuation: number; after: number };
const opSerde = jsonSerde<Op>();
const outSerde = jsonSerde<Out>();

class TimerOps implements Processor<string, Op, string, Out> {
  private ctx!: ProcessorContext<string, Out>;
  private timers!: TimerService;

  init(ctx: ProcessorContext<string, Out>): void {
    this.ctx = ctx;
    ctx.schedule(100, 'stream-time', (t) => ctx.forward('p', { punctuation: t - E, after: ctx.currentOrigin()!.offset }, t));
    this.timers = ctx.timers('timers', (key, due) =>
      ctx.forward(key, { timer: key, due: due - E, at: ctx.streamTime - E, after: ctx.currentOrigin()!.offset }, ctx.streamTime),
    );
  }

  process(_key: string, op: Op): void {
    if (op.op === 'set') this.timers.set(op.key!, E + op.due!);
    else if (op.op === 'cancel') this.timers.cancel(op.key!);
  }
}

/** [event time - E, op]; offsets are the indexes. */
const INPUT: [number, Op][] = [
  [0, { op: 'set', key: 'a', due: 100 }],
  [1, { op: 'set', key: 'b', due: 100 }],
  [2, { op: 'set', key: 'c', due: 50 }],
  [3, { op: 'set', key: 'd', due: 70 }],
  [4, { op: 'cancel', key: 'd' }],
  [5, { op: 'set', key: 'e', due: 60 }],
  [6, { op: 'set', key: 'e', due: 200 }], // moved
  [60, { op: 'tick' }], // 7: c
  [55, { op: 'tick' }], // 8: out of order, stream time stays 60
  [150, { op: 'tick' }], // 9: punctuation, then a and b (same due time: key order)
  [150, { op: 'set', key: 'f', due: 10 }], // 10: in the past: fires right after this record
  [300, { op: 'tick' }], // 11: punctuation, e
];

const EXPECTED: Out[] = [
  { punctuation: 0, after: 0 },
  { timer: 'c', due: 50, at: 60, after: 7 },
  { punctuation: 150, after: 9 },
  { timer: 'a', due: 100, at: 150, after: 9 },
  { timer: 'b', due: 100, at: 150, after: 9 },
  { timer: 'f', due: 10, at: 150, after: 10 },
  { punctuation: 300, after: 11 },
  { timer: 'e', due: 200, at: 300, after: 11 },
];

describe.each(BACKEND_KINDS)('stream-time timers on %s', (kind) => {
  let env: TestEnv;
  afterEach(async () => env?.cleanup());

  it('fire in due-time order after the record that moves stream time, once, across a restore from the changelog', async () => {
    env = await testEnv(kind);
    const backend = await env.open();
    const input = `${env.prefix}-ops`;
    const output = `${env.prefix}-fired`;
    await backend.admin().createTopics([{ name: input, partitions: 1 }]);
    const stateDir = path.join(env.dir, 'state');
    const run = async () => {
      const b = new StreamsBuilder();
      b.addStateStore(timerStore('timers'));
      b.stream(input, { valueSerde: opSerde })
        .process<string, Out>(() => new TimerOps(), 'timers')
        .to(output, { valueSerde: outSerde });
      const app = new StreamsApp({ applicationId: `${env.prefix}-app`, topology: b.build(), backend, stateDir });
      await app.runUntilIdle();
      const pending = app.storeEntries().filter((e) => e.store === 'timers').length;
      await app.stop();
      return pending;
    };
    const producer = await backend.producer();
    const send = (part: [number, Op][]) =>
      producer.send(part.map(([t, op]) => ({ topic: input, key: Buffer.from('x'), value: opSerde.serialize(op), timestamp: E + t })));
    // The first half ends after a punctuation (at 150) whose next due time (200) is not reached by
    // the next record (150): a punctuator that forgot it would fire again there.
    await send(INPUT.slice(0, 10));
    expect(await run()).toBe(1); // e
    fs.rmSync(stateDir, { recursive: true, force: true });
    await send(INPUT.slice(10));
    await producer.close();
    expect(await run()).toBe(0);

    const actual = (await readTopic(backend, output)).map((r) => outSerde.deserialize(r.value));
    expect(actual).toEqual(EXPECTED);
  });
});

describe('timer set-up errors', () => {
  let env: TestEnv;
  afterEach(async () => env?.cleanup());

  it.each([
    ['stream-time punctuation without a state store', /needs its sub-topology to have a state store/, false],
    ['timers on a store that is not a timer store', /is not a timer store/, true],
  ])('%s fails the application with a message saying what to declare', async (_name, message, withStore) => {
    env = await testEnv('embedded');
    const backend = await env.open();
    const input = `${env.prefix}-in`;
    await backend.admin().createTopics([{ name: input, partitions: 1 }]);
    const producer = await backend.producer();
    await producer.send([{ topic: input, key: Buffer.from('k'), value: Buffer.from('v'), timestamp: E }]);
    await producer.close();
    const b = new StreamsBuilder();
    if (withStore) b.addStateStore(keyValueStore('plain'));
    b.stream(input, { valueSerde: stringSerde }).process<string, string>(
      () => ({
        init: (ctx) => (withStore ? void ctx.timers('plain', () => undefined) : ctx.schedule(10, 'stream-time', () => undefined)),
        process: () => undefined,
      }),
      ...(withStore ? ['plain'] : []),
    );
    const app = new StreamsApp({ applicationId: `${env.prefix}-app`, topology: b.build(), backend, stateDir: path.join(env.dir, 'state') });
    await expect(app.runUntilIdle()).rejects.toThrow(message);
    await app.stop();
  });
});
