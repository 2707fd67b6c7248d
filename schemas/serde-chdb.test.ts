// ClickHouse's own AvroConfluent input format (in chDB) reads records written by AvroSerde, fetching their
// schemas from the project's registry server: the wire format and the registry API are the real thing.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { queryAsync } from 'chdb';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfluentRegistryClient } from './registry/confluent-client.ts';
import { AvroSerde } from './serde.ts';
import type { Repayment, Statement } from './types.ts';

const registryUrl = (): string => {
  const value = process.env.SCHEMA_REGISTRY_URL;
  if (!value) throw new Error('SCHEMA_REGISTRY_URL is not set: dev/vitest-global-setup.ts did not run');
  return value;
};

const DAY = 86_400_000;
const T0 = Date.UTC(2024, 4, 1);

const repayments: Repayment[] = Array.from({ length: 5 }, (_, i) => ({
  event_id: `rep-evt-${i}`,
  tenant_id: 'tenant-b',
  event_time: T0 + i * DAY + 123,
  loan_id: `loan-${i % 2}`,
  customer_id: `cust-${i}`,
  installment_no: i + 1,
  due_at: T0 + i * DAY,
  paid_at: i % 2 === 0 ? null : T0 + i * DAY + 7 * DAY,
  amount_due_cents: 25_000,
  amount_paid_cents: i % 2 === 0 ? 0 : 25_000 - i,
}));

const statement: Statement = {
  event_id: 'stmt-evt-9',
  tenant_id: 'tenant-b',
  event_time: T0 + 31 * DAY,
  statement_id: 'stmt-9',
  customer_id: 'cust-9',
  account_id: 'acct-9',
  period_start: T0,
  period_end: T0 + 30 * DAY,
  opening_balance_cents: 9_007_199_254_740, // large money values survive as Int64
  closing_balance_cents: -1_250,
  lines: [
    { line_no: 1, posted_at: T0 + DAY, description: 'salary', amount_cents: 300_000, direction: 'CREDIT' },
    { line_no: 2, posted_at: T0 + 2 * DAY, description: 'rent', amount_cents: 120_000, direction: 'DEBIT' },
  ],
};

describe('chDB AvroConfluent reads AvroSerde output', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'serde-chdb-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function select<T>(sql: string): Promise<T[]> {
    const result = await queryAsync(sql, { format: 'JSONEachRow' });
    return result
      .text()
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as T);
  }

  it('decodes repayments, one message after another, with nulls and timestamps', async () => {
    const serde = new AvroSerde(new ConfluentRegistryClient({ url: registryUrl() }));
    await serde.prepare(['repayments']);
    const file = path.join(dir, 'repayments.avro-confluent');
    writeFileSync(file, Buffer.concat(repayments.map((r) => serde.encode('repayments', r))));

    const rows = await select<Record<string, string | number | null>>(`
      SELECT event_id, tenant_id, toString(toUnixTimestamp64Milli(event_time)) AS event_time, loan_id, customer_id,
             installment_no, toString(toUnixTimestamp64Milli(due_at)) AS due_at,
             if(isNull(paid_at), NULL, toString(toUnixTimestamp64Milli(assumeNotNull(paid_at)))) AS paid_at,
             toString(amount_due_cents) AS amount_due_cents, toString(amount_paid_cents) AS amount_paid_cents
      FROM file('${file}', 'AvroConfluent')
      SETTINGS format_avro_schema_registry_url = '${registryUrl()}'`);
    expect(
      rows.map((r) => ({
        ...r,
        event_time: Number(r.event_time),
        due_at: Number(r.due_at),
        paid_at: r.paid_at === null ? null : Number(r.paid_at),
        amount_due_cents: Number(r.amount_due_cents),
        amount_paid_cents: Number(r.amount_paid_cents),
      })),
    ).toEqual(repayments);
  });

  it('decodes a statement with its array of line records and Int64 money', async () => {
    const serde = new AvroSerde(new ConfluentRegistryClient({ url: registryUrl() }));
    await serde.prepare(['statements']);
    const file = path.join(dir, 'statements.avro-confluent');
    writeFileSync(file, serde.encode('statements', statement));

    const [row] = await select<{
      statement_id: string;
      opening: string;
      closing: string;
      line_amounts: string[];
      directions: string[];
      descriptions: string[];
    }>(`
      SELECT statement_id, toString(opening_balance_cents) AS opening, toString(closing_balance_cents) AS closing,
             arrayMap(l -> toString(tupleElement(l, 'amount_cents')), lines) AS line_amounts,
             arrayMap(l -> toString(tupleElement(l, 'direction')), lines) AS directions,
             arrayMap(l -> tupleElement(l, 'description'), lines) AS descriptions
      FROM file('${file}', 'AvroConfluent')
      SETTINGS format_avro_schema_registry_url = '${registryUrl()}'`);
    expect(row).toEqual({
      statement_id: 'stmt-9',
      opening: '9007199254740',
      closing: '-1250',
      line_amounts: ['300000', '120000'],
      directions: ['CREDIT', 'DEBIT'],
      descriptions: ['salary', 'rent'],
    });
  });
});
