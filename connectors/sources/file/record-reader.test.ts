import { describe, expect, it } from 'vitest';
import { parseIsoTime } from './coerce.ts';
import { csvRecords, csvRow, splitCsvRecord } from './csv.ts';
import { LineError } from './line-error.ts';
import { TopicRecordReader } from './record-reader.ts';

const txn = {
  event_id: 'e1',
  tenant_id: 't1',
  event_time: 1_704_067_200_000,
  transaction_id: 'x1',
  customer_id: 'c1',
  account_id: 'a1',
  amount_cents: 1250,
  direction: 'DEBIT',
  currency: 'GBP',
  merchant: 'Tesco',
  description: 'Groceries',
  category: null,
  channel: 'CARD',
};

function lineError(fn: () => unknown): LineError {
  try {
    fn();
  } catch (err) {
    if (err instanceof LineError) return err;
    throw err;
  }
  throw new Error('expected a LineError');
}

describe('parseIsoTime', () => {
  it('reads ISO-8601 dates and date-times as UTC epoch ms', () => {
    expect(parseIsoTime('2024-01-01')).toBe(1_704_067_200_000);
    expect(parseIsoTime('2024-01-01T00:00:00Z')).toBe(1_704_067_200_000);
    expect(parseIsoTime('2024-01-01T01:30:00+01:30')).toBe(1_704_067_200_000);
    expect(parseIsoTime('2024-01-01T01:00:00+0100')).toBe(1_704_067_200_000);
    expect(parseIsoTime('2024-01-01 00:00:00.123')).toBe(1_704_067_200_123);
    expect(parseIsoTime('2024-01-01T00:00:00.123456Z')).toBe(1_704_067_200_123);
    expect(parseIsoTime('yesterday')).toBeNaN();
    expect(parseIsoTime('Jan 1 2024')).toBeNaN();
  });
});

describe('TopicRecordReader, NDJSON', () => {
  const reader = new TopicRecordReader('transactions');

  it('accepts a valid line, ISO times, and an absent nullable field', () => {
    const { category: _, ...withoutCategory } = txn;
    const record = reader.fromJsonLine(JSON.stringify({ ...withoutCategory, event_time: '2024-01-01T00:00:00Z', extra: 'ignored' }));
    expect(record).toEqual(txn);
  });

  it('names the problem and the field', () => {
    expect(lineError(() => reader.fromJsonLine('{"event_id": "e1",')).reasonKey).toBe('invalid JSON');
    expect(lineError(() => reader.fromJsonLine('[1,2]')).reasonKey).toBe('not a JSON object');
    const { customer_id: _, ...noCustomer } = txn;
    const missing = lineError(() => reader.fromJsonLine(JSON.stringify(noCustomer)));
    expect(missing.reasonKey).toBe('missing field customer_id');
    const badEnum = lineError(() => reader.fromJsonLine(JSON.stringify({ ...txn, direction: 'SIDEWAYS' })));
    expect(badEnum.reasonKey).toBe('invalid field direction');
    expect(badEnum.message).toBe('invalid field direction: "SIDEWAYS" is not one of DEBIT, CREDIT');
    expect(lineError(() => reader.fromJsonLine(JSON.stringify({ ...txn, event_time: 'soon' }))).reasonKey).toBe('invalid field event_time');
    expect(lineError(() => reader.fromJsonLine(JSON.stringify({ ...txn, amount_cents: 12.5 }))).message).toBe('invalid field amount_cents: 12.5 is not a long');
    expect(lineError(() => reader.fromJsonLine(JSON.stringify({ ...txn, amount_cents: -5 }))).reasonKey).toBe('invalid field amount_cents');
    expect(lineError(() => reader.fromJsonLine(JSON.stringify({ ...txn, category: 7 }))).message).toBe('invalid field category: 7 is not null or string');
  });

  it('finds the failing field inside statement lines', () => {
    const statements = new TopicRecordReader('statements');
    const statement = {
      event_id: 's', tenant_id: 't', event_time: 1, statement_id: 'st', customer_id: 'c', account_id: 'a',
      period_start: '2024-01-01', period_end: '2024-02-01', opening_balance_cents: 0, closing_balance_cents: -500,
      lines: [{ line_no: 1, posted_at: '2024-01-05T10:00:00Z', description: 'Tesco', amount_cents: 500, direction: 'DEBIT' }],
    };
    expect(statements.fromJsonLine(JSON.stringify(statement)).lines[0].posted_at).toBe(Date.UTC(2024, 0, 5, 10));
    const bad = { ...statement, lines: [...statement.lines, { line_no: 2, description: 'x', amount_cents: 1, direction: 'CREDIT' }] };
    const err = lineError(() => statements.fromJsonLine(JSON.stringify(bad)));
    expect(err.message).toBe('missing field lines.1.posted_at: required by the statements schema');
    expect(err.reasonKey).toBe('missing field lines[].posted_at');
  });
});

describe('CSV', () => {
  it('splits quoted cells with commas, doubled quotes and empty cells', () => {
    expect(splitCsvRecord('a,"b,c","say ""hi""",,')).toEqual(['a', 'b,c', 'say "hi"', '', '']);
    expect(splitCsvRecord('')).toEqual(['']);
    expect(() => splitCsvRecord('"a"b')).toThrow(LineError);
  });

  it('joins a quoted cell spanning lines into one record that keeps its first line number', async () => {
    async function* lines() {
      yield 'a,b';
      yield '1,"two';
      yield 'lines"';
      yield '3,4';
      yield '5,"never closed';
    }
    const out = [];
    for await (const r of csvRecords(lines())) out.push(r);
    expect(out.map((r) => [r.lineNo, r.raw, 'error' in r])).toEqual([
      [1, 'a,b', false],
      [2, '1,"two\nlines"', false],
      [4, '3,4', false],
      [5, '5,"never closed', true],
    ]);
    expect(csvRow(['a', 'b'], '1,"two\nlines"')).toEqual({ a: '1', b: 'two\nlines' });
    expect(() => csvRow(['a', 'b'], '1,2,3')).toThrow('wrong number of CSV cells: 3, the header has 2');
  });

  it('reads a CSV row: numbers from text, empty nullable cells as null, statement lines as a JSON cell', () => {
    const reader = new TopicRecordReader('transactions');
    const row = Object.fromEntries(Object.entries(txn).map(([k, v]) => [k, v === null ? '' : String(v)]));
    expect(reader.fromCsvRow(row)).toEqual(txn);
    expect(lineError(() => reader.fromCsvRow({ ...row, amount_cents: '' })).reasonKey).toBe('missing field amount_cents');

    const statements = new TopicRecordReader('statements');
    const record = statements.fromCsvRow({
      event_id: 's', tenant_id: 't', event_time: '2024-02-02T09:00:00Z', statement_id: 'st', customer_id: 'c', account_id: 'a',
      period_start: '1704067200000', period_end: '2024-02-01', opening_balance_cents: '100', closing_balance_cents: '-400',
      lines: '[{"line_no":1,"posted_at":"2024-01-05","description":"Tesco","amount_cents":500,"direction":"DEBIT"}]',
    });
    expect(record.lines).toEqual([{ line_no: 1, posted_at: Date.UTC(2024, 0, 5), description: 'Tesco', amount_cents: 500, direction: 'DEBIT' }]);
    expect(record.period_end).toBe(Date.UTC(2024, 1, 1));
  });
});
