// poll() hands records out of a partition's queue in order and lets go of them: a queue kafkajs keeps
// filling must not hold on to records it has handed out.
import { expect, it } from 'vitest';
import type { LogRecord } from '../backend.ts';
import { takeQueued, type KafkaPartitionQueue } from './kafka-partition-queue.ts';

function record(offset: number): LogRecord {
  return { topic: 't', partition: 0, offset, key: null, value: Buffer.from([offset & 0xff]), timestamp: offset, headers: {} } as LogRecord;
}

it('hands records out in order and keeps no reference to those handed out', () => {
  const q: KafkaPartitionQueue = {
    tp: { topic: 't', partition: 0 },
    records: [],
    head: 0,
    tail: 0,
    paused: false,
    held: false,
    ready: true,
  };
  const taken: LogRecord[] = [];
  let next = 0;
  // kafkajs delivers 1,000 records at a time while poll() takes 900: the queue never empties.
  for (let round = 0; round < 30; round++) {
    for (let i = 0; i < 1000; i++) q.records.push(record(next++));
    takeQueued(q, 900, taken);
    const held = q.records.filter((r) => r !== undefined);
    expect(held.length).toBe(q.records.length - q.head);
    expect(held.every((r) => r.offset >= taken.length)).toBe(true);
  }
  expect(taken.map((r) => r.offset)).toEqual(Array.from({ length: 27_000 }, (_, i) => i));
  // The consumed prefix is dropped from the array too, not only cleared.
  expect(q.records.length).toBeLessThan(2 * (q.records.length - q.head) + 4097);
  takeQueued(q, q.records.length - q.head, taken);
  expect(taken.at(-1)!.offset).toBe(29_999);
  expect(q.records).toEqual([]);
  expect(q.head).toBe(0);
});
