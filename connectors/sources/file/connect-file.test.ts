import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Backend, type LogRecord, createEmbeddedBackend } from '../../../engine/index.ts';
import { FileSchemaRegistry } from '../../../schemas/registry/file-registry.ts';
import { AvroSerde } from '../../../schemas/serde.ts';
import type { Transaction } from '../../../schemas/types.ts';
import {
  connectFile,
  FileConnectOutputTopicError,
  FileConnectSourceError,
  FileConnectUnknownTopicError,
  rejectedLoadReason,
  type ConnectFileOptions,
  type FileConnectSummary,
} from './connect-file.ts';

function txn(n: number, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    event_id: `e${n}`,
    tenant_id: 'acme-lending',
    event_time: 1_704_067_200_000 + n * 1000,
    transaction_id: `x${n}`,
    customer_id: `c${n % 3}`,
    account_id: 'a1',
    amount_cents: 100 * n,
    direction: 'DEBIT',
    currency: 'GBP',
    merchant: 'Tesco',
    description: 'Groceries',
    category: 'food',
    channel: 'CARD',
    ...overrides,
  };
}

let dir: string;
let backend: Backend;
let serde: AvroSerde;

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'riskstream-connect-file-'));
  backend = createEmbeddedBackend(path.join(dir, 'data'));
  serde = new AvroSerde(new FileSchemaRegistry(path.join(dir, 'registry')));
});

afterEach(async () => {
  await backend.close();
  rmSync(dir, { recursive: true, force: true });
});

async function readTopic(topic: string): Promise<LogRecord[]> {
  const ends = await backend.admin().endOffsets(topic);
  const reader = await backend.partitionReader();
  const out: LogRecord[] = [];
  for (let partition = 0; partition < ends.length; partition++) {
    for await (const batch of reader.read({ topic, partition }, 0, ends[partition])) out.push(...batch);
  }
  return out;
}

async function connect(topic: string, file: string, options: Pick<ConnectFileOptions, 'timeUnit' | 'eventTimeBounds'> = {}) {
  return connectFile({ producer: await backend.producer(), serde, admin: backend.admin(), topic, path: file, batchSize: 2, ...options });
}

describe('connectFile, NDJSON', () => {
  it('writes exactly the valid lines and dead-letters the others with file and line number', async () => {
    const { category: _, ...noCategory } = txn(5);
    const { customer_id: __, ...noCustomer } = txn(6);
    const lines = [
      JSON.stringify(txn(1)), // 1 valid
      JSON.stringify(txn(2, { event_time: '2024-01-01T00:00:02Z' })), // 2 valid, ISO time
      '{"event_id": "e3", "tenant_id":', // 3 malformed JSON
      '', // 4 blank: skipped
      JSON.stringify(noCustomer), // 5 missing required field
      JSON.stringify(txn(7, { direction: 'SIDEWAYS' })), // 6 bad enum
      JSON.stringify(noCategory), // 7 valid, nullable field absent
    ];
    const file = path.join(dir, 'txns.ndjson');
    writeFileSync(file, `${lines.join('\n')}\n`);

    const summary = await connect('transactions', file);
    expect(summary).toMatchObject({ lines: 6, written: 3, deadLettered: 3 });
    expect(summary.byReason).toEqual({ 'invalid JSON': 1, 'missing field customer_id': 1, 'invalid field direction': 1 });

    const written = await readTopic('transactions');
    const decoded = written.map((r) => serde.decode('transactions', r.value)).sort((a, b) => a.event_id.localeCompare(b.event_id));
    expect(decoded).toEqual([txn(1), txn(2), { ...txn(5), category: null }] as unknown as Transaction[]);
    for (const r of written) {
      const record = serde.decode('transactions', r.value);
      expect(r.key?.toString()).toBe(record.customer_id);
      expect(r.timestamp).toBe(record.event_time);
    }

    const dead = (await readTopic('transactions.dlq')).sort((a, b) => Number(a.headers.source_line) - Number(b.headers.source_line));
    expect(dead.map((r) => [r.headers.source_line, r.headers.source_file, r.headers.source_topic, r.value?.toString()])).toEqual([
      ['3', file, 'transactions', lines[2]],
      ['5', file, 'transactions', lines[4]],
      ['6', file, 'transactions', lines[5]],
    ]);
    expect(dead.map((r) => r.headers.error)).toEqual([
      expect.stringMatching(/^invalid JSON: /),
      'missing field customer_id: required by the transactions schema',
      'invalid field direction: "SIDEWAYS" is not one of DEBIT, CREDIT',
    ]);
  });
});

describe('connectFile, CSV', () => {
  it('reads a header, quoted JSON statement lines and ISO times; a bad row goes to the DLQ', async () => {
    const header =
      'event_id,tenant_id,event_time,statement_id,customer_id,account_id,period_start,period_end,opening_balance_cents,closing_balance_cents,lines';
    const lines = JSON.stringify([
      { line_no: 1, posted_at: '2024-01-05T10:00:00Z', description: 'TESCO, Leeds', amount_cents: 500, direction: 'DEBIT' },
    ]);
    const quoted = `"${lines.replace(/"/g, '""')}"`;
    const csv = [
      header,
      `s1,acme-lending,2024-02-02T09:00:00Z,st1,c1,a1,2024-01-01,2024-02-01,1000,500,${quoted}`,
      `s2,acme-lending,1706864400000,st2,c2,a2,2024-01-01,2024-02-01,0,0,[]`,
      `s3,acme-lending,2024-02-02,st3,c3,a3,2024-01-01,2024-02-01,0,0`, // one cell short
      `s4,acme-lending,2024-02-02,st4,c4,a4,2024-01-01,not-a-time,0,0,[]`,
    ].join('\r\n');
    const file = path.join(dir, 'statements.csv');
    writeFileSync(file, `\uFEFF${csv}\r\n`);

    const summary = await connect('statements', file);
    expect(summary).toMatchObject({ format: 'csv', written: 2, deadLettered: 2 });
    expect(summary.byReason).toEqual({ 'wrong number of CSV cells': 1, 'invalid field period_end': 1 });

    const decoded = (await readTopic('statements'))
      .map((r) => serde.decode('statements', r.value))
      .sort((a, b) => a.event_id.localeCompare(b.event_id));
    expect(decoded.map((s) => s.statement_id)).toEqual(['st1', 'st2']);
    expect(decoded[0].event_time).toBe(Date.UTC(2024, 1, 2, 9));
    expect(decoded[0].lines).toEqual([
      { line_no: 1, posted_at: Date.UTC(2024, 0, 5, 10), description: 'TESCO, Leeds', amount_cents: 500, direction: 'DEBIT' },
    ]);
    const dead = await readTopic('statements.dlq');
    expect(dead.map((r) => r.headers.source_line).sort()).toEqual(['4', '5']);
  });
});

describe('connectFile, event times', () => {
  const SECONDS = 1_719_741_600; // 2024-06-30T10:00:00Z

  it('dead-letters impossible dates, epoch seconds read as ms and times out of bounds with the reason; writes the rest', async () => {
    const lines = [
      JSON.stringify(txn(1)), // 1 valid, epoch ms
      JSON.stringify(txn(2, { event_time: '2024-02-29T10:00:00+01:00' })), // 2 valid, leap day
      JSON.stringify(txn(3, { event_time: '2024-02-30' })), // 3 no such day
      JSON.stringify(txn(4, { event_time: '2024-13-01T00:00:00Z' })), // 4 no such month
      JSON.stringify(txn(5, { event_time: '2024-03-01T25:00:00Z' })), // 5 no such hour
      JSON.stringify(txn(6, { event_time: SECONDS })), // 6 epoch seconds, read as ms: 1970
      JSON.stringify(txn(7, { event_time: '3000-01-01T00:00:00Z' })), // 7 far in the future
      JSON.stringify(txn(8, { event_time: '1999-12-31' })), // 8 before the floor
      JSON.stringify(txn(9, { event_time: '2024-06-30 10:00:00.5' })), // 9 valid
    ];
    const file = path.join(dir, 'times.ndjson');
    writeFileSync(file, `${lines.join('\n')}\n`);

    const summary = await connect('transactions', file);
    expect(summary).toMatchObject({ lines: 9, written: 3, deadLettered: 6 });
    expect(summary.byReason).toEqual({ 'invalid field event_time': 6 });

    const written = (await readTopic('transactions'))
      .map((r) => serde.decode('transactions', r.value))
      .sort((a, b) => a.event_id.localeCompare(b.event_id));
    expect(written.map((t) => [t.event_id, t.event_time])).toEqual([
      ['e1', txn(1).event_time],
      ['e2', Date.UTC(2024, 1, 29, 9)],
      ['e9', Date.UTC(2024, 5, 30, 10, 0, 0, 500)],
    ]);
    const dead = (await readTopic('transactions.dlq')).sort((a, b) => Number(a.headers.source_line) - Number(b.headers.source_line));
    expect(dead.map((r) => [r.headers.source_line, r.value?.toString()])).toEqual([3, 4, 5, 6, 7, 8].map((n) => [String(n), lines[n - 1]]));
    expect(dead.map((r) => r.headers.error)).toEqual([
      'invalid field event_time: "2024-02-30" is not a valid time: 2024-02 has no day 30',
      'invalid field event_time: "2024-13-01T00:00:00Z" is not a valid time: month 13 does not exist',
      'invalid field event_time: "2024-03-01T25:00:00Z" is not a valid time: hour 25 does not exist',
      'invalid field event_time: 1719741600 is 1970-01-20T21:42:21.600Z, before 2000-01-01T00:00:00.000Z, the earliest accepted time; as epoch seconds it would be 2024-06-30T10:00:00.000Z: use --time-unit s',
      expect.stringMatching(
        /^invalid field event_time: "3000-01-01T00:00:00Z" is 3000-01-01T00:00:00\.000Z, more than 1 day ahead of the wall clock \(\d{4}-[\d-]+T[\d:.]+Z\)$/,
      ),
      'invalid field event_time: "1999-12-31" is 1999-12-31T00:00:00.000Z, before 2000-01-01T00:00:00.000Z, the earliest accepted time',
    ]);
  });

  it('reads epoch seconds with timeUnit s, in CSV too, and holds them to the configured bounds', async () => {
    const header = Object.keys(txn(0)).join(',');
    const row = (n: number, eventTime: string) => Object.values(txn(n, { event_time: eventTime })).join(',');
    const file = path.join(dir, 'times.csv');
    writeFileSync(
      file,
      [
        header,
        row(1, String(SECONDS)),
        row(2, '2024-06-30T12:00:00Z'),
        row(3, '2024-02-30T10:00:00Z'),
        row(4, String(SECONDS - 86_400)),
        '',
      ].join('\n'),
    );

    const summary = await connect('transactions', file, {
      timeUnit: 's',
      eventTimeBounds: { minEventTime: Date.UTC(2024, 5, 30), maxEventTimeSkewMs: 3_600_000 },
    });
    expect(summary).toMatchObject({ format: 'csv', lines: 4, written: 2, deadLettered: 2 });
    const written = (await readTopic('transactions'))
      .map((r) => serde.decode('transactions', r.value))
      .sort((a, b) => a.event_id.localeCompare(b.event_id));
    expect(written.map((t) => t.event_time)).toEqual([SECONDS * 1000, Date.UTC(2024, 5, 30, 12)]);
    const dead = (await readTopic('transactions.dlq')).sort((a, b) => Number(a.headers.source_line) - Number(b.headers.source_line));
    expect(dead.map((r) => [r.headers.source_line, r.headers.error])).toEqual([
      ['4', 'invalid field event_time: "2024-02-30T10:00:00Z" is not a valid time: 2024-02 has no day 30'],
      [
        '5',
        `invalid field event_time: "${SECONDS - 86_400}" is 2024-06-29T10:00:00.000Z, before 2024-06-30T00:00:00.000Z, the earliest accepted time`,
      ],
    ]);
  });
});

describe('connectFile refuses before writing anything', () => {
  async function topicsNow(): Promise<string[]> {
    return (await backend.admin().listTopics()).map((t) => t.name);
  }

  it('on an unknown topic', async () => {
    const file = path.join(dir, 'x.ndjson');
    writeFileSync(file, `${JSON.stringify(txn(1))}\n`);
    await expect(connect('no-such-topic', file)).rejects.toBeInstanceOf(FileConnectUnknownTopicError);
    expect(await topicsNow()).toEqual([]);
  });

  it('on an output topic: risk-features is written by a pipeline, not loaded', async () => {
    const file = path.join(dir, 'x.ndjson');
    writeFileSync(file, `${JSON.stringify(txn(1))}\n`);
    const refused = connect('risk-features', file);
    await expect(refused).rejects.toBeInstanceOf(FileConnectOutputTopicError);
    await expect(refused).rejects.toThrow(
      'connect file: "risk-features" is an output topic, written by a pipeline; connect loads input topics (loan-applications, transactions',
    );
    expect(await topicsNow()).toEqual([]);
  });

  it('on an internal topic (a DLQ): not a topic connect knows', async () => {
    const file = path.join(dir, 'x.ndjson');
    writeFileSync(file, `${JSON.stringify(txn(1))}\n`);
    await expect(connect('transactions.dlq', file)).rejects.toBeInstanceOf(FileConnectUnknownTopicError);
    expect(await topicsNow()).toEqual([]);
  });

  it('on a missing file, a directory, or an unreadable file', async () => {
    await expect(connect('transactions', path.join(dir, 'missing.ndjson'))).rejects.toThrow(FileConnectSourceError);
    await expect(connect('transactions', dir)).rejects.toThrow('not a regular file');
    if (process.getuid?.() !== 0) {
      const locked = path.join(dir, 'locked.ndjson');
      writeFileSync(locked, `${JSON.stringify(txn(1))}\n`);
      chmodSync(locked, 0o000);
      await expect(connect('transactions', locked)).rejects.toThrow('permission denied');
    }
    expect(await topicsNow()).toEqual([]);
  });
});

describe('rejectedLoadReason: when a finished load counts as failed', () => {
  const summary = (written: number, deadLettered: number): FileConnectSummary => ({
    topic: 'transactions',
    path: 'in.ndjson',
    format: 'ndjson',
    lines: written + deadLettered,
    written,
    deadLettered,
    byReason: {},
  });

  it('every line rejected, none written', () => {
    expect(rejectedLoadReason(summary(0, 3))).toBe('connect file: all 3 lines of in.ndjson rejected, none written (see transactions.dlq)');
  });

  it('more rejected lines than allowed; as many as allowed is fine; no limit by default', () => {
    expect(rejectedLoadReason(summary(5, 3), 2)).toBe(
      'connect file: 3 of 8 lines of in.ndjson rejected, more than the 2 allowed (see transactions.dlq)',
    );
    expect(rejectedLoadReason(summary(5, 3), 3)).toBeUndefined();
    expect(rejectedLoadReason(summary(5, 3))).toBeUndefined();
    expect(rejectedLoadReason(summary(5, 1), 0)).toMatch(/1 of 6 lines .* more than the 0 allowed/);
  });

  it('an empty file or a clean load is not a failure', () => {
    expect(rejectedLoadReason(summary(0, 0), 0)).toBeUndefined();
    expect(rejectedLoadReason(summary(4, 0), 0)).toBeUndefined();
  });
});
