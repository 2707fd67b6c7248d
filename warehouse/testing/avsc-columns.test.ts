// The oracles the Parquet and migration tests use must fail on a schema that differs from the .avsc.
import parquet from 'parquetjs-lite';
import { describe, expect, it } from 'vitest';
import { avroSchemaOf } from '../../schemas/topics.ts';
import { clickhouseMismatches, parquetMismatches } from './avsc-columns.ts';

const avsc = {
  type: 'record',
  name: 'Payment',
  fields: [
    { name: 'paid_at', type: ['null', { type: 'long', logicalType: 'timestamp-millis' }] },
    { name: 'amount_cents', type: 'long' },
    { name: 'status', type: { type: 'enum', name: 'Status', symbols: ['OPEN', 'CLOSED'] } },
    {
      name: 'lines',
      type: {
        type: 'array',
        items: {
          type: 'record',
          name: 'Line',
          fields: [
            { name: 'line_no', type: 'int' },
            { name: 'note', type: 'string' },
          ],
        },
      },
    },
  ],
};

describe('parquetMismatches', () => {
  it('accepts the Parquet schema the .avsc describes', () => {
    const right = new parquet.ParquetSchema({
      paid_at: { type: 'TIMESTAMP_MILLIS', optional: true },
      amount_cents: { type: 'INT64' },
      status: { type: 'UTF8' },
      lines: { repeated: true, fields: { line_no: { type: 'INT32' }, note: { type: 'UTF8' } } },
    });
    expect(parquetMismatches(avsc, right)).toEqual([]);
  });

  it('names every column of a wrong one: a plain long time, required nullable, money as DOUBLE, a missing, an extra field', () => {
    const wrong = new parquet.ParquetSchema({
      paid_at: { type: 'INT64' },
      amount_cents: { type: 'DOUBLE' },
      lines: { repeated: true, fields: { line_no: { type: 'INT64' }, note: { type: 'UTF8' } } },
      extra: { type: 'UTF8' },
    });
    expect(parquetMismatches(avsc, wrong)).toEqual([
      'Parquet schema of Payment: column paid_at is REQUIRED INT64, the .avsc says OPTIONAL INT64 TIMESTAMP_MILLIS',
      'Parquet schema of Payment: column amount_cents is REQUIRED DOUBLE, the .avsc says REQUIRED INT64',
      'Parquet schema of Payment: no column status (the .avsc says REQUIRED BYTE_ARRAY UTF8)',
      'Parquet schema of Payment: column lines.line_no is REQUIRED INT64, the .avsc says REQUIRED INT32',
      'Parquet schema of Payment: column extra REQUIRED BYTE_ARRAY UTF8 is not in the .avsc',
    ]);
  });

  it('refuses an .avsc whose money field is no long', () => {
    const doubleMoney = { ...avsc, fields: [{ name: 'amount_cents', type: 'double' }] };
    expect(() => parquetMismatches(doubleMoney, new parquet.ParquetSchema({ amount_cents: { type: 'DOUBLE' } }))).toThrow(
      /Payment.amount_cents is money but "double", not a long/,
    );
  });
});

describe('clickhouseMismatches', () => {
  const right = [
    { name: 'paid_at', type: "Nullable(DateTime64(3, 'UTC'))" },
    { name: 'amount_cents', type: 'Int64' },
    { name: 'status', type: 'LowCardinality(String)' },
    { name: 'lines', type: 'Array(Tuple(line_no Int32, note String))' },
  ];

  it('accepts the columns the .avsc describes, a string stored as LowCardinality included', () => {
    expect(clickhouseMismatches(avsc, right, 'payments')).toEqual([]);
  });

  it('names every column of a wrong table: not Nullable, Int32 money, a second-precision time, a missing, an extra column, the order', () => {
    const wrong = [
      { name: 'paid_at', type: "DateTime64(3, 'UTC')" },
      { name: 'amount_cents', type: 'Int32' },
      { name: 'lines', type: "Array(Tuple(line_no Int32, note DateTime('UTC')))" },
      { name: 'note', type: 'String' },
    ];
    expect(clickhouseMismatches(avsc, wrong, 'payments')).toEqual([
      "table payments: column paid_at is DateTime64(3, 'UTC'), the .avsc says Nullable(DateTime64(3, 'UTC'))",
      'table payments: column amount_cents is Int32, the .avsc says Int64',
      'table payments: no column status (the .avsc says String)',
      "table payments: column lines is Array(Tuple(line_no Int32, note DateTime('UTC'))), the .avsc says Array(Tuple(line_no Int32, note String))",
      'table payments: column note String is not in the .avsc',
    ]);
    expect(clickhouseMismatches(avsc, [right[1], right[0], right[2], right[3]], 'payments')).toEqual([
      'table payments: columns in another order than the .avsc fields: amount_cents, paid_at, status, lines',
    ]);
  });

  it('finds a risk-features field the table lacks, as a migration forgotten after an .avsc edit would', () => {
    const risk = avroSchemaOf('risk-features');
    const grown = { ...risk, fields: [...(risk.fields as object[]), { name: 'max_balance_cents', type: 'long' }] };
    const columns = (risk.fields as { name: string }[]).map((f) => ({ name: f.name, type: 'x' }));
    expect(clickhouseMismatches(grown, columns, 'risk_features')).toContain(
      'table risk_features: no column max_balance_cents (the .avsc says Int64)',
    );
  });
});
