import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Backend, type LogRecord, createEmbeddedBackend } from '../../../engine/index.ts';
import { FileSchemaRegistry } from '../../../schemas/registry/file-registry.ts';
import { AvroSerde } from '../../../schemas/serde.ts';
import type { Transaction } from '../../../schemas/types.ts';
import { connectFile, FileConnectOutputTopicError, FileConnectSourceError, FileConnectUnknownTopicError, rejectedLoadReason, type FileConnectSummary } from './connect-file.ts';

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

async function connect(topic: string, file: string) {
  return connectFile({ producer: await backend.producer(), serde, admin: backend.admin(), topic, path: file, batchSize: 2 });
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
    const header = 'event_id,tenant_id,event_time,statement_id,customer_id,account_id,period_start,period_end,opening_balance_cents,closing_balance_cents,lines';
    const lines = JSON.stringify([{ line_no: 1, posted_at: '2024-01-05T10:00:00Z', description: 'TESCO, Leeds', amount_cents: 500, direction: 'DEBIT' }]);
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

    const decoded = (await readTopic('statements')).map((r) => serde.decode('statements', r.value)).sort((a, b) => a.event_id.localeCompare(b.event_id));
    expect(decoded.map((s) => s.statement_id)).toEqual(['st1', 'st2']);
    expect(decoded[0].event_time).toBe(Date.UTC(2024, 1, 2, 9));
    expect(decoded[0].lines).toEqual([{ line_no: 1, posted_at: Date.UTC(2024, 0, 5, 10), description: 'TESCO, Leeds', amount_cents: 500, direction: 'DEBIT' }]);
    const dead = await readTopic('statements.dlq');
    expect(dead.map((r) => r.headers.source_line).sort()).toEqual(['4', '5']);
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
    await expect(refused).rejects.toThrow('connect file: "risk-features" is an output topic, written by a pipeline; connect loads input topics (loan-applications, transactions');
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
    topic: 'transactions', path: 'in.ndjson', format: 'ndjson', lines: written + deadLettered, written, deadLettered, byReason: {},
  });

  it('every line rejected, none written', () => {
    expect(rejectedLoadReason(summary(0, 3))).toBe('connect file: all 3 lines of in.ndjson rejected, none written (see transactions.dlq)');
  });

  it('more rejected lines than allowed; as many as allowed is fine; no limit by default', () => {
    expect(rejectedLoadReason(summary(5, 3), 2)).toBe('connect file: 3 of 8 lines of in.ndjson rejected, more than the 2 allowed (see transactions.dlq)');
    expect(rejectedLoadReason(summary(5, 3), 3)).toBeUndefined();
    expect(rejectedLoadReason(summary(5, 3))).toBeUndefined();
    expect(rejectedLoadReason(summary(5, 1), 0)).toMatch(/1 of 6 lines .* more than the 0 allowed/);
  });

  it('an empty file or a clean load is not a failure', () => {
    expect(rejectedLoadReason(summary(0, 0), 0)).toBeUndefined();
    expect(rejectedLoadReason(summary(4, 0), 0)).toBeUndefined();
  });
});
