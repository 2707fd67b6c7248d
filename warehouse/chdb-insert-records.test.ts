// insertRecords on chDB stores every value exactly as given, for every topic's table: awkward strings
// (tabs, newlines, backslashes, quotes, NUL, unicode, empty, long), nulls, times before 1970 and at
// millisecond precision, integers to ±(2^53 - 1), doubles down to the last bit, statement lines.
// Records are generated from each topic's Avro fields, so a field added later is covered too.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_TOPICS, tableOf } from '../schemas/topics.ts';
import type { TopicName } from '../schemas/types.ts';
import { fieldsOfTopic, type FieldModel } from './avro-fields.ts';
import { ChdbWarehouse } from './chdb-warehouse.ts';
import { WarehouseError } from './errors.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'rs-wh-records-'));
let wh: ChdbWarehouse;

beforeAll(async () => {
  wh = await ChdbWarehouse.open(dataDir);
});
afterAll(async () => {
  await wh?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const STRINGS = [
  '',
  'plain',
  'tab\there',
  'new\nline',
  'cr\rand crlf\r\n',
  'back\\slash \\t \\n \\0',
  '\\N',
  'NULL',
  `single ' and double " quotes`,
  'nul\0byte',
  'ünïcödé 中文 😀',
  'café ñ ß ÿ', // non-ASCII, yet every char below 256
  '😀'.repeat(50), // under 128 UTF-16 units, 200 UTF-8 bytes: a two-byte length
  'x'.repeat(200),
  'y'.repeat(20_000), // a three-byte length
  ' padded ',
  '[(1,\'a\')]\t{"json": 1}',
];
const TIMES = [
  0,
  -1,
  1,
  Date.UTC(1969, 11, 31, 23, 59, 59, 999),
  Date.UTC(1960, 5, 15, 12, 34, 56, 789),
  Date.UTC(1900, 0, 1, 0, 0, 0, 1),
  Date.UTC(2024, 1, 29, 23, 59, 59, 999),
  Date.UTC(2299, 11, 31, 23, 59, 59, 999),
  1_700_000_000_123,
];
const LONGS = [0, 1, -1, 2 ** 53 - 1, -(2 ** 53 - 1), 2 ** 32, -(2 ** 32), 2 ** 31, -(2 ** 31) - 1, 1_234_567_890_123];
const INTS = [0, 1, -1, 2 ** 31 - 1, -(2 ** 31), 65_536, -65_537];
const DOUBLES = [0, -0, 0.1, 0.1 + 0.2, -1.5e-300, 5e-324, Number.MAX_VALUE, -2.5, 1e21, 123_456.789, NaN, Infinity, -Infinity];
const ROWS = STRINGS.length;

function pick<T>(values: readonly T[], row: number, column: number): T {
  return values[(row + column) % values.length];
}

/** An awkward value of a field for row `row`; `column` shifts the pick so columns differ. */
function valueOf(field: FieldModel, row: number, column: number): unknown {
  // Nullable fields: every third row null (one of them undefined, which a decoder may leave), the rest values.
  if (field.nullable && row % 3 === 0) return row === 3 ? undefined : null;
  switch (field.kind) {
    case 'string':
    case 'enum':
      return pick(STRINGS, row, column);
    case 'int':
      return pick(INTS, row, column);
    case 'long':
      return pick(LONGS, row, column);
    case 'double':
      return pick(DOUBLES, row, column);
    case 'boolean':
      return (row + column) % 2 === 0;
    case 'timestamp':
      return pick(TIMES, row, column);
    case 'array':
      // 0, 1, 2 or 3 items, each with awkward values of its own
      return Array.from({ length: row % 4 }, (_, k) => recordOf(field.items ?? [], row + k, column + 7 * k));
  }
}

function recordOf(fields: FieldModel[], row: number, shift = 0): Record<string, unknown> {
  return Object.fromEntries(fields.map((f, j) => [f.name, valueOf(f, row, j + shift)]));
}

/** What ClickHouse's JSONEachRow shows for a stored value. */
function shownAs(field: FieldModel, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (field.kind) {
    case 'timestamp': {
      // DateTime64(3, 'UTC') as text: 'YYYY-MM-DD hh:mm:ss.fff', derived here independently of the code under test
      const iso = new Date(value as number).toISOString();
      return `${iso.slice(0, 10)} ${iso.slice(11, 23)}`;
    }
    case 'double': {
      // with output_format_json_quote_denormals = 1
      const v = value as number;
      return Number.isNaN(v) ? 'nan' : v === Infinity ? 'inf' : v === -Infinity ? '-inf' : v;
    }
    case 'array':
      return (value as Record<string, unknown>[]).map((item) => shownRecord(field.items ?? [], item));
    default:
      return value;
  }
}

function shownRecord(fields: FieldModel[], record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(fields.map((f) => [f.name, shownAs(f, record[f.name])]));
}

const READ_SETTINGS = 'SETTINGS output_format_json_quote_64bit_integers = 0, output_format_json_quote_denormals = 1';

async function storedRows(topic: TopicName, prefix: string): Promise<Record<string, unknown>[]> {
  return wh.rows(`SELECT * FROM ${tableOf(topic)} WHERE startsWith(event_id, '${prefix}') ORDER BY event_id ${READ_SETTINGS}`);
}

describe('ChdbWarehouse.insertRecords', () => {
  it.each(ALL_TOPICS)('stores awkward values of every %s field exactly and reads them back equal', async (topic) => {
    const fields = fieldsOfTopic(topic);
    const records: Record<string, unknown>[] = Array.from({ length: ROWS }, (_, row) => ({
      ...recordOf(fields, row),
      // unique and sortable: rows are read back in this order, and the sort keys never collapse two rows
      event_id: `awkward-${String(row).padStart(3, '0')}`,
    }));
    if (topic === 'risk-features') records.forEach((r, row) => (r.window_start = Date.UTC(2020, 0, 1) + row));

    await wh.insertRecords(topic, records as never);

    const expected = records.map((r) => shownRecord(fields, r));
    expect(await storedRows(topic, 'awkward-')).toEqual(expected);
  });

  it('keeps dictionary-encoded (LowCardinality) columns exact past 256 and 65,536 distinct values', async () => {
    const fields = fieldsOfTopic('transactions');
    for (const distinct of [300, 70_000]) {
      const prefix = `many-${distinct}-`;
      const records = Array.from({ length: distinct }, (_, i) => ({
        ...recordOf(fields, i),
        event_id: `${prefix}${String(i).padStart(6, '0')}`,
        tenant_id: `tenant ${i} ü\t`,
        currency: i % 2 ? 'EUR' : '',
      }));
      await wh.insertRecords('transactions', records as never);
      const rows = await wh.rows<{ n: number; tenants: number; first: string; last: string; currencies: string[] }>(
        `SELECT count() AS n, uniqExact(tenant_id) AS tenants, min(event_id) AS first, argMax(tenant_id, event_id) AS last,
         arraySort(groupUniqArray(currency)) AS currencies FROM transactions WHERE startsWith(event_id, '${prefix}')`,
      );
      expect(rows).toEqual([
        { n: distinct, tenants: distinct, first: `${prefix}000000`, last: `tenant ${distinct - 1} ü\t`, currencies: ['', 'EUR'] },
      ]);
    }
  });

  it('refuses a value of the wrong type, naming the field, and stores nothing of the batch', async () => {
    const fields = fieldsOfTopic('loan-applications');
    const good = { ...recordOf(fields, 1), event_id: 'refused-1' };
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ ...good, amount_cents: 1.5 }, /amount_cents.*expected a safe integer, got 1\.5/],
      [{ ...good, amount_cents: 2 ** 53 }, /amount_cents.*expected a safe integer/],
      [{ ...good, term_months: 2 ** 31 }, /term_months.*expected a 32-bit integer/],
      [{ ...good, purpose: undefined }, /purpose.*expected a string, got undefined/],
      [{ ...good, employment_years: '3' }, /employment_years.*expected a number, got "3"/],
      [{ ...good, event_time: null }, /event_time.*expected epoch milliseconds/],
    ];
    for (const [bad, message] of cases) {
      const attempt = wh.insertRecords('loan-applications', [good, bad] as never);
      await expect(attempt).rejects.toThrow(WarehouseError);
      await expect(attempt).rejects.toThrow(message);
    }
    expect(await storedRows('loan-applications', 'refused-')).toEqual([]);
  });
});
