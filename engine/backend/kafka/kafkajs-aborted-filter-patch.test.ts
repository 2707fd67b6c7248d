// patches/kafkajs+2.2.4.patch makes kafkajs' read_committed filter switch on every aborted
// transaction a fetched message has stepped into (a loop over them in first-offset order, as the
// Java client does), not just the next one. Several transactional producers interleave in one
// partition of a repartition topic, so a fetch can start inside two aborted transactions at once.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);

interface Message {
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  batchContext: { producerId: string; inTransaction: boolean };
}
type Filter = (args: { messages: Message[]; abortedTransactions: { producerId: string; firstOffset: string }[] }) => Message[];
const filterAbortedMessages = require('kafkajs/src/consumer/filterAbortedMessages') as Filter;

const ABORT_MARKER = Buffer.from([0, 0, 0, 0]);
const data = (offset: number, producerId: string): Message => ({
  offset: String(offset),
  key: Buffer.from(`k${offset}`),
  value: Buffer.from(`v${offset}`),
  batchContext: { producerId, inTransaction: true },
});
const abortMarker = (offset: number, producerId: string): Message => ({
  offset: String(offset),
  key: ABORT_MARKER,
  value: null,
  batchContext: { producerId, inTransaction: true },
});

describe('kafkajs read_committed filter (patched)', () => {
  it('drops the records of two aborted transactions a fetch starts inside of', () => {
    // Producer 1 aborted from offset 10, producer 2 from offset 11; the fetch starts at 12, after both began.
    const messages = [
      data(12, '1'),
      data(13, '2'),
      data(14, '3'),
      abortMarker(15, '1'),
      data(16, '2'),
      abortMarker(17, '2'),
      data(18, '1'),
    ];
    const kept = filterAbortedMessages({
      messages,
      // Out of order on purpose: the broker's list is not guaranteed sorted.
      abortedTransactions: [
        { producerId: '2', firstOffset: '11' },
        { producerId: '1', firstOffset: '10' },
      ],
    });
    expect(kept.map((m) => m.offset)).toEqual(['14', '15', '17', '18']);
  });

  it('keeps a producer’s records after its aborted transaction ends and before its next one starts', () => {
    const messages = [data(0, '1'), abortMarker(1, '1'), data(2, '1'), data(3, '1'), abortMarker(4, '1')];
    const kept = filterAbortedMessages({
      messages,
      abortedTransactions: [
        { producerId: '1', firstOffset: '0' },
        { producerId: '1', firstOffset: '3' },
      ],
    });
    expect(kept.map((m) => m.offset)).toEqual(['1', '2', '4']);
  });
});
