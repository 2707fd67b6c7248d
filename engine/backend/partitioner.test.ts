import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { murmur2, partitionFor, toPositive } from './partitioner.ts';

// kafkajs 2's default (Java-compatible) murmur2, the reference our port must match.
const kafkajsMurmur2 = createRequire(import.meta.url)('kafkajs/src/producer/partitioners/default/murmur2.js') as (key: Buffer) => number;

describe('partitioner', () => {
  it('matches the Java client murmur2 test vectors (UtilsTest.testMurmur2)', () => {
    const vectors: [string, number][] = [
      ['21', -973932308],
      ['foobar', -790332482],
      ['a-little-bit-long-string', -985981536],
      ['a-little-bit-longer-string', -1486304829],
      ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
      ['abc', 479470107],
      ['1', -1993445489],
      ['12345', -1188365604],
    ];
    for (const [key, hash] of vectors) expect(murmur2(Buffer.from(key))).toBe(hash);
  });

  it('agrees with kafkajs murmur2 on many keys of every length', () => {
    for (let i = 0; i < 2000; i++) {
      const key = Buffer.from(`customer-${i * 7919}-${'x'.repeat(i % 13)}`);
      expect(murmur2(key)).toBe(kafkajsMurmur2(key));
    }
    const binary = Buffer.from([0xff, 0x80, 0x00, 0x7f, 0xfe, 0x01, 0x99]);
    for (let len = 0; len <= binary.length; len++) expect(murmur2(binary.subarray(0, len))).toBe(kafkajsMurmur2(binary.subarray(0, len)));
  });

  it('maps keys with toPositive(hash) % partitions', () => {
    expect(toPositive(-973932308)).toBe(-973932308 & 0x7fffffff);
    expect(partitionFor(Buffer.from('foobar'), 6)).toBe(toPositive(-790332482) % 6);
    expect(partitionFor(Buffer.from('21'), 1)).toBe(0);
  });

  it('spreads null keys over all partitions', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 8; i++) seen.add(partitionFor(null, 4, 'spread-test'));
    expect([...seen].sort()).toEqual([0, 1, 2, 3]);
  });
});
