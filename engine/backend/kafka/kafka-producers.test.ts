// How a commit's records are split into produce requests: no partition's batch may pass the
// broker's message.max.bytes, but partitions share a request (each request is a round trip).
import { describe, expect, it } from 'vitest';
import type { ProduceRecord } from '../backend.ts';
import { sendChunks } from './kafka-producers.ts';

const record = (topic: string, partition: number | undefined, bytes: number, n: number): ProduceRecord => ({
  topic,
  partition,
  key: Buffer.from(String(n)),
  value: Buffer.alloc(bytes, n % 251),
});

describe('sendChunks', () => {
  it('sends several partitions in one request, each within the batch limit, in order', () => {
    // 3 partitions x 600 KB: one request (512 KB per request used to make it four).
    const records = Array.from({ length: 30 }, (_, i) => record('changelog', i % 3, 60_000, i));
    const chunks = sendChunks(records);
    expect(chunks).toHaveLength(1);
    expect(chunks[0]).toEqual(records);
  });

  it('splits a partition that would pass ~768 KB, keeping the order of every partition', () => {
    const records = Array.from({ length: 40 }, (_, i) => record('out', i < 30 ? 0 : 1, 60_000, i));
    const chunks = sendChunks(records);
    // Partition 0: 30 x ~60 KB in runs of 13 (13 x 60,072 estimated bytes < 768 KiB < 14 x), the
    // last run shared with partition 1.
    expect(chunks.map((c) => c.length)).toEqual([13, 13, 14]);
    expect(chunks.flat()).toEqual(records);
    for (const c of chunks) {
      for (const p of [0, 1])
        expect(c.filter((r) => r.partition === p).reduce((s, r) => s + r.value!.length, 0)).toBeLessThanOrEqual(768 * 1024);
    }
  });

  it('counts records without a partition per topic, and caps a request at 8 MB', () => {
    const unpartitioned = Array.from({ length: 20 }, (_, i) => record('sink', undefined, 100_000, i));
    expect(sendChunks(unpartitioned).map((c) => c.length)).toEqual([7, 7, 6]);
    const wide = Array.from({ length: 200 }, (_, i) => record('wide', i, 50_000, i));
    const chunks = sendChunks(wide);
    expect(chunks.map((c) => c.length)).toEqual([167, 33]);
    expect(chunks.flat()).toEqual(wide);
  });
});
