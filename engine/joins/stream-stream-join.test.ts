// The windowed stream-stream join against a brute-force pairing: every (left, right) of one key with
// left.ts - before <= right.ts <= left.ts + after, exactly once. The run stops half way and its local
// state is deleted, so the second half joins against join buffers rebuilt from their changelogs.
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
});
