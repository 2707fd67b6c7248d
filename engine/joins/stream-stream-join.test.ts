// The windowed stream-stream join against a brute-force pairing: every (left, right) of one key with
// left.ts - before <= right.ts <= left.ts + after, exactly once. The run stops half way and its local
// state is deleted, so the second half joins against join buffers rebuilt from their changelogs.
// Buffers shrink once stream time passes their records, also for keys never seen again.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { StreamsApp } from '../streams/streams-app.ts';
import { StreamsBuilder } from '../dsl/streams-builder.ts';
import { jsonSerde } from '../serdes/serde.ts';
import { BACKEND_KINDS, readTopic, seededRandom, TEST_EPOCH, testEnv, type TestEnv } from '../testing/test-backends.ts';

interface Side {
  id: number;
}
const sideSerde = jsonSerde<Side>();
const pairSerde = jsonSerde<{ left: number; right: number }>();
const WINDOW = { beforeMs: 40, afterMs: 60, graceMs: 0 };

interface Input {
  topic: 'left' | 'right';
  key: string;
  ts: number;
  id: number;
}

/** In event-time order (nothing late), over 5 keys, ~3 ms apart. */
function inputs(seed: number, n: number): Input[] {
  const rnd = seededRandom(seed);
  let ts = TEST_EPOCH + 1_000;
  return Array.from({ length: n }, (_, id) => {
    ts += Math.floor(rnd() * 6);
    return { topic: rnd() < 0.5 ? 'left' : 'right', key: `k${Math.floor(rnd() * 5)}`, ts, id };
  });
}

function bruteForce(all: Input[]): string[] {
  const out: string[] = [];
  for (const l of all) {
    if (l.topic !== 'left') continue;
    for (const r of all) {
      if (r.topic === 'right' && r.key === l.key && r.ts >= l.ts - WINDOW.beforeMs && r.ts <= l.ts + WINDOW.afterMs)
        out.push(`${l.id}-${r.id}`);
    }
  }
  return out.sort();
}

describe.each(BACKEND_KINDS)('stream-stream join on %s', (kind) => {
  let env: TestEnv;
  afterEach(async () => env?.cleanup());

  it('pairs every left and right record within the join window exactly once, across a restore from the changelog', async () => {
    env = await testEnv(kind);
    const backend = await env.open();
    const topic = (t: 'left' | 'right') => `${env.prefix}-${t}`;
    const output = `${env.prefix}-pairs`;
    await backend.admin().createTopics([topic('left'), topic('right')].map((name) => ({ name, partitions: 2 })));
    const all = inputs(21, 1200);
    const stateDir = path.join(env.dir, 'state');
    const run = async () => {
      const b = new StreamsBuilder();
      const right = b.stream(topic('right'), { valueSerde: sideSerde });
      b.stream(topic('left'), { valueSerde: sideSerde })
        .joinStream(right, (l: Side, r: Side) => ({ left: l.id, right: r.id }), WINDOW)
        .to(output, { valueSerde: pairSerde });
      const app = new StreamsApp({ applicationId: `${env.prefix}-app`, topology: b.build(), backend, stateDir });
      await app.runUntilIdle();
      await app.stop();
    };
    const producer = await backend.producer();
    const send = (part: Input[]) =>
      producer.send(
        part.map((e) => ({ topic: topic(e.topic), key: Buffer.from(e.key), value: sideSerde.serialize({ id: e.id }), timestamp: e.ts })),
      );
    await send(all.slice(0, 600));
    await run();
    fs.rmSync(stateDir, { recursive: true, force: true });
    await send(all.slice(600));
    await producer.close();
    await run();

    const actual = (await readTopic(backend, output))
      .map((r) => pairSerde.deserialize(r.value))
      .map((p) => `${p.left}-${p.right}`)
      .sort();
    const expected = bruteForce(all);
    expect(expected.length).toBeGreaterThan(300);
    expect(actual).toEqual(expected);
  });

  it('drops buffered records of keys never seen again once stream time passes them, also after a restore', async () => {
    env = await testEnv(kind);
    const backend = await env.open();
    const topic = (t: 'left' | 'right') => `${env.prefix}-${t}`;
    await backend.admin().createTopics([topic('left'), topic('right')].map((name) => ({ name, partitions: 1 })));
    const stateDir = path.join(env.dir, 'state');
    const run = async (): Promise<string[]> => {
      const b = new StreamsBuilder();
      const right = b.stream(topic('right'), { valueSerde: sideSerde });
      b.stream(topic('left'), { valueSerde: sideSerde })
        .joinStream(right, (l: Side, r: Side) => ({ left: l.id, right: r.id }), WINDOW, { storeNames: ['buf-left', 'buf-right'] })
        .to(`${env.prefix}-pairs`, { valueSerde: pairSerde });
      const app = new StreamsApp({ applicationId: `${env.prefix}-app`, topology: b.build(), backend, stateDir });
      await app.runUntilIdle();
      const buffered = app
        .storeEntries()
        .filter((e) => e.store.startsWith('buf-'))
        .map((e) => `${e.store}:${e.key.toString()}`)
        .sort();
      await app.stop();
      return buffered;
    };
    const producer = await backend.producer();
    const send = (t: 'left' | 'right', key: string, ts: number, id: number) =>
      producer.send([{ topic: topic(t), key: Buffer.from(key), value: sideSerde.serialize({ id }), timestamp: ts }]);
    const keys = Array.from({ length: 50 }, (_, i) => `once-${i}`);
    for (const [i, k] of keys.entries()) await send(i % 2 === 0 ? 'left' : 'right', k, TEST_EPOCH + 1_000 + i, i);
    // Both sides must be read up to the same time before either is processed past it.
    await send('right', 'late-key', TEST_EPOCH + 1_050, 100);
    await send('left', 'late-key', TEST_EPOCH + 1_050, 101);
    // At stream time 1050 a left record is needed from 1050 - after on, a right one from 1050 - before on.
    const kept = keys.filter((_, i) => 1_000 + i >= 1_050 - (i % 2 === 0 ? WINDOW.afterMs : WINDOW.beforeMs));
    expect(kept.length).toBeLessThan(keys.length);
    expect(await run()).toEqual(
      [...kept.map((k) => `buf-${keys.indexOf(k) % 2 === 0 ? 'left' : 'right'}:${k}`), 'buf-left:late-key', 'buf-right:late-key'].sort(),
    );
    fs.rmSync(stateDir, { recursive: true, force: true });
    // Stream time moves far past every buffered record: only the newest records stay.
    await send('left', 'fresh', TEST_EPOCH + 10_000, 200);
    await send('right', 'fresh', TEST_EPOCH + 10_001, 201);
    await producer.close();
    expect(await run()).toEqual(['buf-left:fresh', 'buf-right:fresh']);
  });
});
