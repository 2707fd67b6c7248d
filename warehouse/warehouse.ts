// The warehouse as the rest of riskstream sees it: migrations, batched inserts of rows, SQL queries.
// Two implementations: ChdbWarehouse (embedded, in-process chDB) and ServerWarehouse (ClickHouse over HTTP).
import type { TopicName, TopicRecords } from '../schemas/types.ts';

export type QueryFormat = 'table' | 'json' | 'csv';

export interface QueryOptions {
  /** table: aligned text for humans; json: one JSON object per row (JSONEachRow); csv: with a header row. */
  format: QueryFormat;
  /** Allow DDL/DML. Without it the query runs with ClickHouse's `readonly` setting. */
  write?: boolean;
}

/** A row ready for JSONEachRow: column name → value (times already converted, see rows.ts). */
export type WarehouseRow = Record<string, unknown>;

export interface Warehouse {
  readonly kind: 'chdb' | 'server';
  /** Applies the migrations not yet recorded; returns the names it applied (empty when up to date). */
  migrate(): Promise<string[]>;
  /** Inserts rows in batches; resolves once the warehouse has acknowledged every row. */
  insert(table: string, rows: WarehouseRow[]): Promise<void>;
  /** Inserts decoded Avro records of a topic into its table (times as epoch ms), by the fastest path the engine has. */
  insertRecords<T extends TopicName>(topic: T, records: readonly TopicRecords[T][]): Promise<void>;
  /** Runs one SQL statement and returns its result as text in the requested format. */
  query(sql: string, opts: QueryOptions): Promise<string>;
  /** Runs one SQL statement and returns its rows parsed (64-bit integers as numbers). */
  rows<T = Record<string, unknown>>(sql: string, opts?: { write?: boolean }): Promise<T[]>;
  close(): Promise<void>;
}

/** Batches of this many rows per INSERT statement. */
export const DEFAULT_INSERT_BATCH_ROWS = 100_000;

export function parseJsonEachRow<T>(text: string): T[] {
  const out: T[] = [];
  for (const line of text.split('\n')) if (line.trim() !== '') out.push(JSON.parse(line) as T);
  return out;
}

export function toJsonEachRow(rows: readonly WarehouseRow[]): string {
  let out = '';
  for (const row of rows) out += JSON.stringify(row) + '\n';
  return out;
}
