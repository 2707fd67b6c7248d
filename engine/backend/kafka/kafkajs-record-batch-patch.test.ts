// patches/kafkajs+2.2.4.patch replaces kafkajs' per-record encoder for uncompressed produce requests
// with one that writes a partition's record batch straight into one buffer, and makes the record
// decoder compute offsets and timestamps with numbers instead of BigInt-backed Longs, decoding each
// record in place and leaving its key, value, offset and timestamp to be made when read. The broker rejects a
// batch whose bytes or CRC are off, so the patched path must write exactly what kafkajs' generic
// Record + RecordBatch path writes (which it still uses for compressed batches). The batch CRC32-C
// comes from @node-rs/crc32 (native) instead of kafkajs' table loop.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import type { KafkaMessage } from 'kafkajs';
import { seededRandom } from '../../testing/test-backends.ts';
import { offsetOf, toLogRecord } from './kafka-records.ts';

const require = createRequire(import.meta.url);

interface Message {
  key?: Buffer | string | null;
  value: Buffer | string | null;
  timestamp?: string;
  headers?: Record<string, Buffer | string | Array<Buffer | string>>;
}
interface KafkajsEncoder {
  buffer: Buffer;
  size(): number;
  writeInt32(v: number): KafkajsEncoder;
  writeInt64(v: unknown): KafkajsEncoder;
  writeString(v: string | null): KafkajsEncoder;
  writeInt16(v: number): KafkajsEncoder;
  writeArray(v: unknown[]): KafkajsEncoder;
  writeEncoder(v: KafkajsEncoder): KafkajsEncoder;
}
type ProduceRequest = (args: Record<string, unknown>) => { encode(): Promise<KafkajsEncoder> };

const kafkajs = (path: string): unknown => require(`kafkajs/src/${path}`);
const produceV3 = kafkajs('protocol/requests/produce/v3/request') as ProduceRequest;
const Encoder = kafkajs('protocol/encoder') as new () => KafkajsEncoder;
const Record = kafkajs('protocol/recordBatch/record/v0') as (args: Record<string, unknown>) => KafkajsEncoder;
const { RecordBatch } = kafkajs('protocol/recordBatch/v0') as { RecordBatch: (args: Record<string, unknown>) => Promise<KafkajsEncoder> };
const Long = kafkajs('utils/long') as { fromValue(v: number | string): unknown };
const decodeBatch = kafkajs('protocol/recordBatch/v0/decoder') as (decoder: unknown) => Promise<{
  records: Array<{ key: Buffer | null; value: Buffer | null; timestamp: string; offset: string; headers: Record<string, unknown> }>;
}>;
const crc32C = kafkajs('protocol/recordBatch/crc32C') as (b: Buffer) => number;
const crc32CTableLoop = kafkajs('protocol/recordBatch/crc32C/crc32C') as (b: Buffer) => number;
const Batch = kafkajs('consumer/batch') as new (
  topic: string,
  fetchedOffset: string,
  partitionData: Record<string, unknown>,
) => { messages: Array<{ offset: string }>; messagesWithinOffset: unknown[] };
const Decoder = kafkajs('protocol/decoder') as new (b: Buffer) => { readInt32(): number; readInt64(): unknown; readBytes(): Buffer };

type TopicData = { topic: string; partitions: Array<{ partition: number; firstSequence: number; messages: Message[] }> };
const frameRequest = kafkajs('protocol/request') as (args: {
  correlationId: number;
  clientId: string;
  request: { apiKey: number; apiVersion: number; encode(): Promise<KafkajsEncoder> };
}) => Promise<KafkajsEncoder>;

/** What kafkajs 2.2.4 wrote before the patch (numeric timestamp order). */
async function genericRequest(
  topics: TopicData[],
  producerId: number,
  producerEpoch: number,
  transactionalId: string | null,
): Promise<Buffer> {
  const topicData: KafkajsEncoder[] = [];
  for (const { topic, partitions } of topics)
    topicData.push(await genericTopic(topic, partitions, producerId, producerEpoch, transactionalId));
  return new Encoder().writeString(transactionalId).writeInt16(-1).writeInt32(30_000).writeArray(topicData).buffer;
}

async function genericTopic(
  topic: string,
  partitions: TopicData['partitions'],
  producerId: number,
  producerEpoch: number,
  transactionalId: string | null,
): Promise<KafkajsEncoder> {
  const encodedPartitions: KafkajsEncoder[] = [];
  for (const { partition, firstSequence, messages } of partitions) {
    const timestamps = messages.map((m) => Number(m.timestamp)).filter((t) => !Number.isNaN(t));
    const firstTimestamp = Math.min(...timestamps);
    const records = messages.map((m, i) => Record({ ...m, offsetDelta: i, timestampDelta: Number(m.timestamp) - firstTimestamp }));
    const batch = await RecordBatch({
      records,
      firstTimestamp,
      maxTimestamp: Math.max(...timestamps),
      producerId: Long.fromValue(producerId),
      producerEpoch,
      firstSequence,
      transactional: transactionalId !== null,
      lastOffsetDelta: records.length - 1,
    });
    encodedPartitions.push(new Encoder().writeInt32(partition).writeInt32(batch.size()).writeEncoder(batch));
  }
  return new Encoder().writeString(topic).writeArray(encodedPartitions);
}

function randomMessages(seed: number, n: number): Message[] {
  const rnd = seededRandom(seed);
  const base = Date.UTC(2025, 0, 1);
  const bytes = (len: number): Buffer => Buffer.from(Array.from({ length: len }, () => Math.floor(rnd() * 256)));
  return Array.from({ length: n }, (_, i) => {
    const m: Message = {
      // Keys and values from empty to past the one- and two-byte varint lengths.
      key: rnd() < 0.1 ? null : rnd() < 0.2 ? `k-${i}-é` : bytes(Math.floor(rnd() * 200)),
      value: rnd() < 0.1 ? null : bytes(Math.floor(rnd() * (rnd() < 0.05 ? 20_000 : 300))),
      // Out of order, and deltas from 0 past 2^31 ms (~25 days) so the varlong needs more than 32 bits.
      timestamp: String(base + Math.floor(rnd() * 60 * 86_400_000)),
    };
    if (rnd() < 0.3) m.headers = { origin: `topic-${i}`, bin: bytes(3), many: ['a', Buffer.from('b')] };
    return m;
  });
}

describe('patched kafkajs record batches (produce encoder, record decoder)', () => {
  it('writes the same bytes as the generic Record/RecordBatch path, for transactional and plain producers', async () => {
    for (const [seed, transactionalId] of [
      [1, 'riskstream-app-0_1'],
      [2, null],
      [3, 'tx'],
    ] as const) {
      const partitions = [0, 3, 7].map((partition, j) => ({
        partition,
        firstSequence: 17 * j,
        messages: randomMessages(seed * 10 + j, j === 1 ? 1 : 150),
      }));
      // A second topic (with a multi-byte name) after the first: the request is written in one pass.
      const topics: TopicData[] = [
        { topic: 'transactions', partitions },
        { topic: 'risk-features-é', partitions: [{ partition: 1, firstSequence: 3, messages: randomMessages(seed * 10 + 9, 40) }] },
      ];
      const producerId = 4_000_000_123 + seed;
      const actual = (
        await produceV3({
          acks: -1,
          timeout: 30_000,
          transactionalId,
          producerId: Long.fromValue(producerId),
          producerEpoch: 5,
          topicData: topics,
        }).encode()
      ).buffer;
      const expected = await genericRequest(topics, producerId, 5, transactionalId);
      expect(actual.length).toBe(expected.length);
      expect(actual.equals(expected)).toBe(true);
    }
  });

  it('frames a request (size, header, payload) as kafkajs did with nested encoders', async () => {
    const payload = new Encoder().writeString('payload-é').writeInt32(42).writeArray([1, 2, 3]);
    for (const clientId of ['riskstream-bench-é', '']) {
      const actual = (
        await frameRequest({ correlationId: 77_001, clientId, request: { apiKey: 0, apiVersion: 3, encode: async () => payload } })
      ).buffer;
      const header = new Encoder().writeInt16(0).writeInt16(3).writeInt32(77_001).writeString(clientId).writeEncoder(payload);
      const expected = new Encoder().writeInt32(header.size()).writeEncoder(header).buffer;
      expect(actual.equals(expected)).toBe(true);
    }
  });

  it('writes batches kafkajs decodes back to the same keys, values, offsets, timestamps and headers', async () => {
    // The patched record decoder reads deltas as numbers up to 49 bits and falls back to Longs
    // beyond: one timestamp 2^50 ms after the others takes that path.
    const messages = [...randomMessages(9, 300), { key: 'far', value: 'future', timestamp: String(Date.UTC(2025, 0, 1) + 2 ** 50) }];
    const request = await produceV3({
      acks: -1,
      timeout: 30_000,
      transactionalId: null,
      producerId: Long.fromValue(-1),
      producerEpoch: 0,
      topicData: [{ topic: 't', partitions: [{ partition: 2, firstSequence: 0, messages }] }],
    }).encode();
    // Skip transactional id (-1: null string), acks, timeout, topic array, topic name, partition array, partition, record set size.
    const body = request.buffer.subarray(2 + 2 + 4 + 4 + 2 + 1 + 4 + 4 + 4);
    const { records } = await decodeBatch(new Decoder(body));
    expect(records.length).toBe(messages.length);
    records.forEach((r, i) => {
      const m = messages[i]!;
      const asBuffer = (v: Buffer | string | null | undefined): Buffer | null => (v == null ? null : Buffer.from(v));
      expect(r.offset).toBe(String(i));
      expect(r.timestamp).toBe(m.timestamp);
      // The numbers behind those strings (NaN past safe integers: the far-future record's is fine).
      expect(offsetOf(r as unknown as KafkaMessage)).toBe(i);
      expect(toLogRecord('t', 2, r as unknown as KafkaMessage).timestamp).toBe(Number(m.timestamp));
      expect(r.key).toEqual(asBuffer(m.key));
      expect(r.value).toEqual(asBuffer(m.value));
      const headers = Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k, Array.isArray(v) ? v.map(String) : String(v)]));
      expect(headers).toEqual(
        m.headers === undefined ? {} : { origin: m.headers.origin, bin: m.headers.bin!.toString(), many: ['a', 'b'] },
      );
      // As a LogRecord: key and value read from the fetched bytes on demand, the last of repeated headers.
      const log = toLogRecord('t', 2, r as unknown as KafkaMessage);
      expect([log.topic, log.partition, log.offset]).toEqual(['t', 2, i]);
      expect(log.key).toEqual(asBuffer(m.key));
      expect(log.value).toEqual(asBuffer(m.value));
      expect(log.headers).toEqual(m.headers === undefined ? {} : { origin: m.headers.origin, bin: m.headers.bin!.toString(), many: 'b' });
      // JSON (logs, debugging) shows the fields, not the positions behind them.
      expect(Object.keys(JSON.parse(JSON.stringify(r)))).toEqual([
        'magicByte',
        'attributes',
        'timestamp',
        'offset',
        'key',
        'value',
        'headers',
        'isControlRecord',
        'batchContext',
      ]);
    });
    // Records without headers share one frozen empty object.
    const bare = records.filter((_, i) => messages[i]!.headers === undefined);
    expect(bare.length).toBeGreaterThan(1);
    expect(bare[0]!.headers).toBe(bare[1]!.headers);
    expect(Object.isFrozen(bare[0]!.headers)).toBe(true);
  });

  it('decodes each record within its own length: trailing bytes of a newer record version are skipped, an overrun is an error', async () => {
    const firstOffset = 1_000;
    const firstTimestamp = Date.UTC(2025, 0, 1);
    // attributes, timestamp delta, offset delta, key, value, header count; then `extra` bytes.
    const record = (offsetDelta: number, key: string, value: string, extra: number[] = []): Buffer =>
      Buffer.concat([
        Buffer.from([0]),
        zigzag(offsetDelta * 1000),
        zigzag(offsetDelta),
        zigzag(key.length),
        Buffer.from(key),
        zigzag(value.length),
        Buffer.from(value),
        zigzag(0),
        Buffer.from(extra),
      ]);
    const batch = (records: Buffer[]): Buffer => {
      const body = Buffer.concat(records.flatMap((r) => [zigzag(r.length), r]));
      const head = Buffer.alloc(8 + 4 + 4 + 1 + 4 + 2 + 4 + 8 + 8 + 8 + 2 + 4 + 4);
      head.writeBigInt64BE(BigInt(firstOffset), 0);
      head.writeInt32BE(head.length - 12 + body.length, 8);
      head.writeInt8(2, 16); // magic
      head.writeInt32BE(records.length - 1, 23); // last offset delta
      head.writeBigInt64BE(BigInt(firstTimestamp), 27);
      head.writeBigInt64BE(BigInt(firstTimestamp + (records.length - 1) * 1000), 35);
      head.writeBigInt64BE(-1n, 43); // producer id
      head.writeInt32BE(records.length, head.length - 4);
      return Buffer.concat([head, body]);
    };
    const { records } = await decodeBatch(
      new Decoder(batch([record(0, 'a', 'one', [9, 9, 9]), record(1, 'b', 'two'), record(2, 'c', 'three', [7])])),
    );
    expect(records.map((r) => [r.offset, r.timestamp, String(r.key), String(r.value)])).toEqual([
      ['1000', String(firstTimestamp), 'a', 'one'],
      ['1001', String(firstTimestamp + 1000), 'b', 'two'],
      ['1002', String(firstTimestamp + 2000), 'c', 'three'],
    ]);
    // The first record claims 3 bytes fewer than its fields take.
    const short = record(0, 'a', 'one');
    const overrun = Buffer.concat([zigzag(short.length - 3), short]);
    const tampered = batch([record(0, 'x', 'y')]);
    const bad = Buffer.concat([tampered.subarray(0, 61), overrun]);
    bad.writeInt32BE(bad.length - 12, 8);
    await expect(decodeBatch(new Decoder(bad))).rejects.toThrow(/longer than its length/);
  });

  it('keeps the messages of a fetch at or past the fetched offset, without copying when all are', () => {
    const messages = [5, 6, 7, 8].map((o) => ({
      offset: String(o),
      key: null,
      value: Buffer.from('v'),
      timestamp: '0',
      headers: {},
      isControlRecord: false,
      batchContext: { producerId: '-1', inTransaction: false },
    }));
    const from = (fetched: string) => new Batch('t', fetched, { partition: 0, highWatermark: '9', messages, abortedTransactions: [] });
    expect(from('5').messages.map((m) => m.offset)).toEqual(['5', '6', '7', '8']);
    expect(from('3').messagesWithinOffset).toBe(messages);
    // A compressed legacy batch can start before the fetched offset.
    expect(from('7').messages.map((m) => m.offset)).toEqual(['7', '8']);
    expect(from('9').messages).toEqual([]);
  });

  it("checksums batches natively, with the CRC32-C of kafkajs' own table loop", () => {
    expect(String(crc32C)).toContain('native(buffer)');
    // The standard CRC-32C check value (RFC 3720, B.4).
    expect(crc32C(Buffer.from('123456789'))).toBe(0xe3069283);
    expect(crc32C(Buffer.alloc(0))).toBe(0);
    const rnd = seededRandom(7);
    for (const size of [1, 7, 8, 9, 63, 1000, 100_003]) {
      const bytes = Buffer.from(Array.from({ length: size }, () => Math.floor(rnd() * 256)));
      expect(crc32C(bytes)).toBe(crc32CTableLoop(bytes));
      expect(crc32C(bytes.subarray(1))).toBe(crc32CTableLoop(bytes.subarray(1)));
    }
  });
});

/** A zigzag varint, as Kafka writes record fields. */
function zigzag(n: number): Buffer {
  let v = n >= 0 ? n * 2 : -n * 2 - 1;
  const out: number[] = [];
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return Buffer.from(out);
}
