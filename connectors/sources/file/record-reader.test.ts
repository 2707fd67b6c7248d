import { describe, expect, it } from 'vitest';
import { csvRecords, csvRow, splitCsvRecord } from './csv.ts';
import { LineError } from './line-error.ts';
import { TopicRecordReader } from './record-reader.ts';
import { parseIsoTime, readIsoTime } from './time-field.ts';

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
    expect(parseIsoTime('2024-02-29T23:59:59.999-00:30')).toBe(Date.UTC(2024, 2, 1, 0, 29, 59, 999));
    expect(parseIsoTime('yesterday')).toBeNaN();
    expect(parseIsoTime('Jan 1 2024')).toBeNaN();
  });

  it('refuses dates and clock times that do not exist, saying which part', () => {
    expect(readIsoTime('2024-02-30')).toEqual({ problem: '2024-02 has no day 30' });
    expect(readIsoTime('2023-02-29T10:00:00Z')).toEqual({ problem: '2023-02 has no day 29' });
    expect(readIsoTime('1900-02-29')).toEqual({ problem: '1900-02 has no day 29' });
    expect(readIsoTime('2024-04-31')).toEqual({ problem: '2024-04 has no day 31' });
    expect(readIsoTime('2024-01-00')).toEqual({ problem: '2024-01 has no day 00' });
    expect(readIsoTime('2024-13-01')).toEqual({ problem: 'month 13 does not exist' });
    expect(readIsoTime('2024-00-10')).toEqual({ problem: 'month 00 does not exist' });
    expect(readIsoTime('2024-01-01T25:00:00Z')).toEqual({ problem: 'hour 25 does not exist' });
    expect(readIsoTime('2024-01-01T24:00')).toEqual({ problem: 'hour 24 does not exist' });
    expect(readIsoTime('2024-01-01T10:60')).toEqual({ problem: 'minute 60 does not exist' });
    expect(readIsoTime('2024-01-01T10:00:61')).toEqual({ problem: 'second 61 does not exist' });
    expect(readIsoTime('2024-01-01T10:00:00+25:00')).toEqual({ problem: 'UTC offset +25:00 does not exist' });
    expect(readIsoTime('2024-02-29')).toBe(Date.UTC(2024, 1, 29));
  });
});

describe('TopicRecordReader, times', () => {
  const NOW = Date.UTC(2026, 5, 1, 12);
  const DAY = 86_400_000;
  const reader = new TopicRecordReader('transactions');
  reader.setWallClock(NOW);
  const eventTime = (value: unknown) => reader.fromJsonLine(JSON.stringify({ ...txn, event_time: value })).event_time;
  const eventTimeError = (value: unknown) => lineError(() => eventTime(value));

  it('names the field and the value of an impossible date, in NDJSON and CSV', () => {
    const feb30 = eventTimeError('2024-02-30');
    expect(feb30.message).toBe('invalid field event_time: "2024-02-30" is not a valid time: 2024-02 has no day 30');
    expect(feb30.reasonKey).toBe('invalid field event_time');
    expect(eventTimeError('2024-13-01T10:00:00Z').message).toBe(
      'invalid field event_time: "2024-13-01T10:00:00Z" is not a valid time: month 13 does not exist',
    );
    expect(eventTimeError('2024-03-01 25:00').message).toBe(
      'invalid field event_time: "2024-03-01 25:00" is not a valid time: hour 25 does not exist',
    );
    expect(eventTimeError('soon').message).toBe('invalid field event_time: "soon" is neither epoch milliseconds nor an ISO-8601 time');
    const row = Object.fromEntries(Object.entries(txn).map(([k, v]) => [k, v === null ? '' : String(v)]));
    expect(lineError(() => reader.fromCsvRow({ ...row, event_time: '2024-02-30T08:00:00Z' })).message).toBe(
      'invalid field event_time: "2024-02-30T08:00:00Z" is not a valid time: 2024-02 has no day 30',
    );
  });

  it('refuses epoch seconds read as milliseconds, suggesting --time-unit s', () => {
    expect(eventTimeError(1_719_741_600).message).toBe(
      'invalid field event_time: 1719741600 is 1970-01-20T21:42:21.600Z, before 2000-01-01T00:00:00.000Z, the earliest accepted time; as epoch seconds it would be 2024-06-30T10:00:00.000Z: use --time-unit s',
    );
    const row = Object.fromEntries(Object.entries(txn).map(([k, v]) => [k, v === null ? '' : String(v)]));
    expect(lineError(() => reader.fromCsvRow({ ...row, event_time: '1719741600' })).message).toMatch(
      /^invalid field event_time: "1719741600" is 1970-01-20T21:42:21\.600Z, before .*use --time-unit s$/,
    );
    // Before the floor, and no plausible time as seconds either: no suggestion.
    expect(eventTimeError(5).message).toBe(
      'invalid field event_time: 5 is 1970-01-01T00:00:00.005Z, before 2000-01-01T00:00:00.000Z, the earliest accepted time',
    );
  });

  it('reads epoch seconds when told to', () => {
    const seconds = new TopicRecordReader('transactions', { timeUnit: 's' });
    seconds.setWallClock(NOW);
    expect(seconds.fromJsonLine(JSON.stringify({ ...txn, event_time: 1_719_741_600 })).event_time).toBe(Date.UTC(2024, 5, 30, 10));
    expect(seconds.fromJsonLine(JSON.stringify({ ...txn, event_time: '1719741600.25' })).event_time).toBe(
      Date.UTC(2024, 5, 30, 10, 0, 0, 250),
    );
    expect(seconds.fromJsonLine(JSON.stringify({ ...txn, event_time: '2024-06-30T10:00:00Z' })).event_time).toBe(Date.UTC(2024, 5, 30, 10));
    // Milliseconds given with --time-unit s land far in the future.
    expect(lineError(() => seconds.fromJsonLine(JSON.stringify({ ...txn, event_time: 1_719_741_600_000 }))).message).toMatch(
      /^invalid field event_time: 1719741600000 is \+056466-06-10T16:00:00\.000Z, more than 1 day ahead of the wall clock \(2026-06-01T12:00:00\.000Z\)$/,
    );
  });

  it('refuses times before the floor, ISO or epoch, in any time field', () => {
    expect(eventTimeError('1999-12-31T23:59:59.999Z').message).toBe(
      'invalid field event_time: "1999-12-31T23:59:59.999Z" is 1999-12-31T23:59:59.999Z, before 2000-01-01T00:00:00.000Z, the earliest accepted time',
    );
    expect(eventTime('2000-01-01')).toBe(Date.UTC(2000, 0, 1));
    const repayments = new TopicRecordReader('repayments');
    const repayment = {
      event_id: 'r',
      tenant_id: 't',
      event_time: '2024-03-01',
      loan_id: 'l',
      customer_id: 'c',
      installment_no: 1,
      due_at: 1_709_251_200,
      paid_at: null,
      amount_due_cents: 100,
      amount_paid_cents: 0,
    };
    const dueAt = lineError(() => repayments.fromJsonLine(JSON.stringify(repayment)));
    expect(dueAt.reasonKey).toBe('invalid field due_at');
    expect(dueAt.message).toMatch(/^invalid field due_at: 1709251200 is 1970-01-20T.*use --time-unit s$/);
  });

  it('refuses an event time more than the skew ahead of the wall clock; other time fields may be later', () => {
    expect(eventTime(NOW + DAY)).toBe(NOW + DAY);
    expect(eventTimeError(NOW + DAY + 1).message).toBe(
      'invalid field event_time: 1780401600001 is 2026-06-02T12:00:00.001Z, more than 1 day ahead of the wall clock (2026-06-01T12:00:00.000Z)',
    );
    expect(eventTimeError('3000-01-01').message).toBe(
      'invalid field event_time: "3000-01-01" is 3000-01-01T00:00:00.000Z, more than 1 day ahead of the wall clock (2026-06-01T12:00:00.000Z)',
    );
    reader.setWallClock(NOW + 2 * DAY);
    expect(eventTime(NOW + DAY + 1)).toBe(NOW + DAY + 1);
    reader.setWallClock(NOW);

    const repayments = new TopicRecordReader('repayments');
    repayments.setWallClock(NOW);
    const dueNextYear = repayments.fromJsonLine(
      JSON.stringify({
        event_id: 'r',
        tenant_id: 't',
        event_time: NOW,
        loan_id: 'l',
        customer_id: 'c',
        installment_no: 12,
        due_at: '2027-06-01',
        paid_at: null,
        amount_due_cents: 100,
        amount_paid_cents: 0,
      }),
    );
    expect(dueNextYear.due_at).toBe(Date.UTC(2027, 5, 1));
  });

  it('takes its bounds from the options', () => {
    const strict = new TopicRecordReader('transactions', {
      eventTimeBounds: { minEventTime: Date.UTC(2024, 0, 1), maxEventTimeSkewMs: 3_600_000 },
    });
    strict.setWallClock(NOW);
    expect(lineError(() => strict.fromJsonLine(JSON.stringify({ ...txn, event_time: '2023-12-31' }))).message).toBe(
      'invalid field event_time: "2023-12-31" is 2023-12-31T00:00:00.000Z, before 2024-01-01T00:00:00.000Z, the earliest accepted time',
    );
    expect(lineError(() => strict.fromJsonLine(JSON.stringify({ ...txn, event_time: NOW + 3_600_001 }))).message).toMatch(
      /more than 1 h ahead of the wall clock/,
    );
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
    expect(lineError(() => reader.fromJsonLine(JSON.stringify({ ...txn, amount_cents: 12.5 }))).message).toBe(
      'invalid field amount_cents: 12.5 is not a long',
    );
    expect(lineError(() => reader.fromJsonLine(JSON.stringify({ ...txn, amount_cents: -5 }))).reasonKey).toBe('invalid field amount_cents');
    expect(lineError(() => reader.fromJsonLine(JSON.stringify({ ...txn, category: 7 }))).message).toBe(
      'invalid field category: 7 is not null or string',
    );
  });

  it('finds the failing field inside statement lines', () => {
    const statements = new TopicRecordReader('statements');
    const statement = {
      event_id: 's',
      tenant_id: 't',
      event_time: '2024-02-01T09:00:00Z',
      statement_id: 'st',
      customer_id: 'c',
      account_id: 'a',
      period_start: '2024-01-01',
      period_end: '2024-02-01',
      opening_balance_cents: 0,
      closing_balance_cents: -500,
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
      event_id: 's',
      tenant_id: 't',
      event_time: '2024-02-02T09:00:00Z',
      statement_id: 'st',
      customer_id: 'c',
      account_id: 'a',
      period_start: '1704067200000',
      period_end: '2024-02-01',
      opening_balance_cents: '100',
      closing_balance_cents: '-400',
      lines: '[{"line_no":1,"posted_at":"2024-01-05","description":"Tesco","amount_cents":500,"direction":"DEBIT"}]',
    });
    expect(record.lines).toEqual([
      { line_no: 1, posted_at: Date.UTC(2024, 0, 5), description: 'Tesco', amount_cents: 500, direction: 'DEBIT' },
    ]);
    expect(record.period_end).toBe(Date.UTC(2024, 1, 1));
  });
});
