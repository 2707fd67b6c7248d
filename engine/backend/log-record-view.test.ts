import { describe, expect, it } from 'vitest';
import { NO_HEADERS } from './backend.ts';
import { decodeRecord, encodedSize, encodeRecord, type RecordToWrite } from './embedded/record-format.ts';
import { LogRecordView } from './log-record-view.ts';

describe('LogRecordView', () => {
  it('reads key and value from its bytes when asked, null for a negative length', () => {
    const bytes = Buffer.from('..key..value..');
    const r = new LogRecordView('t', 3, 42, 1_700_000_000_000, { h: 'v' }, bytes, 2, 3, 7, 5);
    expect([r.topic, r.partition, r.offset, r.timestamp, r.headers]).toEqual(['t', 3, 42, 1_700_000_000_000, { h: 'v' }]);
    expect(r.key?.toString()).toBe('key');
    expect(r.value?.toString()).toBe('value');
    expect(new LogRecordView('t', 0, 0, 0, NO_HEADERS, bytes, 0, -1, 0, 0).key).toBeNull();
    expect(new LogRecordView('t', 0, 0, 0, NO_HEADERS, bytes, 0, -1, 5, -1).value).toBeNull();
    expect(new LogRecordView('t', 0, 0, 0, NO_HEADERS, bytes, 0, 0, 5, 0).value).toEqual(Buffer.alloc(0));
    expect(JSON.parse(JSON.stringify(r))).toEqual({
      topic: 't',
      partition: 3,
      offset: 42,
      timestamp: 1_700_000_000_000,
      headers: { h: 'v' },
      key: JSON.parse(JSON.stringify(Buffer.from('key'))),
      value: JSON.parse(JSON.stringify(Buffer.from('value'))),
    });
  });

  it('is what the embedded log decodes: null, empty and non-empty keys and values survive a round trip', () => {
    const cases = [
      { key: null, value: Buffer.from('v1'), headers: NO_HEADERS },
      { key: Buffer.alloc(0), value: null, headers: { reason: 'x' } },
      { key: Buffer.from('k3'), value: Buffer.alloc(0), headers: NO_HEADERS },
    ];
    cases.forEach((c, i) => {
      const record: RecordToWrite = { ...c, timestamp: 5 + i };
      const buf = Buffer.alloc(3 + encodedSize(record));
      expect(encodeRecord(buf, 3, 10 + i, record, encodedSize(record), 0)).toBe(buf.length);
      const r = decodeRecord(buf, 3, 't', 1, () => 'test');
      expect(r).toBeInstanceOf(LogRecordView);
      expect([r.offset, r.timestamp, r.key, r.value, r.headers]).toEqual([10 + i, 5 + i, c.key, c.value, c.headers]);
    });
  });
});
