import { describe, expect, it } from 'vitest';
import { deadLetterOf, type LogRecord } from '../../engine/index.ts';
import { deadLetterRowOf, payloadOf } from './dead-letter-row.ts';

function record(over: Partial<LogRecord>): LogRecord {
  return { topic: 'transactions.dlq', partition: 0, offset: 7, key: null, value: null, timestamp: 1_704_067_200_000, headers: {}, ...over };
}

describe('payloadOf', () => {
  it('text as it is, bytes that are not text as base64', () => {
    expect(payloadOf(Buffer.from('{"event_id": "é1"}\tx'))).toEqual({ payload_encoding: 'utf8', payload: '{"event_id": "é1"}\tx' });
    expect(payloadOf(Buffer.from([0xff, 0xfe, 0x41]))).toEqual({ payload_encoding: 'base64', payload: '//5B' });
    // valid UTF-8, but an Avro record in the Confluent wire format (magic byte 0): not text
    expect(payloadOf(Buffer.from([0, 0, 0, 0, 1, 2, 0x41]))).toEqual({ payload_encoding: 'base64', payload: 'AAAAAAECQQ==' });
    expect(payloadOf(null)).toEqual({ payload_encoding: 'utf8', payload: '' });
  });
});

describe('deadLetterRowOf', () => {
  it('a line the file connector rejected: origin file:line', () => {
    const row = deadLetterRowOf(
      record({
        value: Buffer.from('{oops'),
        headers: { error: 'line 3: invalid JSON', source_file: 'in/txns.ndjson', source_line: '3', source_topic: 'transactions' },
      }),
    );
    expect(row).toEqual({
      dlq_topic: 'transactions.dlq',
      partition: 0,
      offset: 7,
      event_time: 1_704_067_200_000,
      error: 'line 3: invalid JSON',
      source_topic: 'transactions',
      source_partition: null,
      source_offset: null,
      file: 'in/txns.ndjson',
      line: 3,
      origin: 'in/txns.ndjson:3',
      payload_encoding: 'utf8',
      payload: '{oops',
    });
  });

  it('a record a task or sink rejected (deadLetterOf): origin topic[partition]@offset', () => {
    const source: LogRecord = {
      topic: 'transactions',
      partition: 2,
      offset: 41,
      key: Buffer.from('c1'),
      value: Buffer.from([0, 0, 0, 0, 9]),
      timestamp: 5,
      headers: {},
    };
    const dl = deadLetterOf(source, 'cannot decode');
    const row = deadLetterRowOf(record({ value: dl.value, timestamp: dl.timestamp, headers: dl.headers }));
    expect(row).toMatchObject({
      error: 'cannot decode',
      source_topic: 'transactions',
      source_partition: 2,
      source_offset: 41,
      file: null,
      line: null,
      origin: 'transactions[2]@41',
      payload_encoding: 'base64',
      payload: 'AAAAAAk=',
      event_time: 5,
    });
  });

  it('headers it cannot read: origin is the dead letter itself, nothing thrown', () => {
    const row = deadLetterRowOf(record({ headers: { source_topic: 'transactions', source_partition: 'two', source_line: '-1' } }));
    expect(row).toMatchObject({ error: null, source_partition: null, line: null, origin: 'transactions.dlq[0]@7' });
  });
});
