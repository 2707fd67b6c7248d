// The warehouse on a ClickHouse server over HTTP (@clickhouse/client): kafka mode. Read-only queries
// run with readonly=2 (reads and settings only); inserts are batched and retried with backoff while the
// server is unreachable or overloaded.
import { ClickHouseError, ClickHouseLogLevel, createClient, type ClickHouseClient } from '@clickhouse/client';
import { withBackoff, type BackoffOptions } from '../engine/index.ts';
import { clickhouseCode, clickhouseMessage, READONLY_CODE, WarehouseError, WarehouseReadOnlyError } from './errors.ts';
import { renderTsvTable } from './format-table.ts';
import { runMigrations } from './migrations.ts';
import { warehouseRowConverter } from './rows.ts';
import { tableOf } from '../schemas/topics.ts';
import type { TopicName, TopicRecords } from '../schemas/types.ts';
import { DEFAULT_INSERT_BATCH_ROWS, parseJsonEachRow, type QueryOptions, type Warehouse, type WarehouseRow } from './warehouse.ts';

export interface ServerWarehouseOptions {
  url: string;
  username?: string;
  password?: string;
  database?: string;
  /** Run migrations before the first insert or query (default true). */
  autoMigrate?: boolean;
  insertBatchRows?: number;
  /** Retry policy of inserts; default: up to 60 s of exponential backoff. */
  retry?: BackoffOptions;
  requestTimeoutMs?: number;
}

/** Connection-level failures and ClickHouse codes that mean "try again later". */
const RETRIABLE_NODE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
]);
const RETRIABLE_CLICKHOUSE_CODES = new Set([159, 202, 209, 210, 241, 242, 252, 3, 285, 319, 425, 999]);

export function isRetriableServerError(err: unknown): boolean {
  if (err instanceof WarehouseError) return err.retriable;
  const code = errorCode(err);
  if (err instanceof ClickHouseError || code !== undefined) return RETRIABLE_CLICKHOUSE_CODES.has(code ?? -1);
  const e = err as { code?: string; message?: string; cause?: unknown };
  if (e?.code && RETRIABLE_NODE_CODES.has(e.code)) return true;
  if (/socket hang up|Timeout error|ECONNREFUSED|ECONNRESET|other side closed/i.test(e?.message ?? '')) return true;
  return e?.cause !== undefined && e.cause !== err && isRetriableServerError(e.cause);
}

/** True for statements that return rows; everything else is sent as a command (no FORMAT clause appended). */
function returnsRows(sql: string): boolean {
  return /^\s*(\(|SELECT|WITH|SHOW|DESC|DESCRIBE|EXPLAIN|EXISTS)\b/i.test(sql.replace(/^\s*(--[^\n]*\n\s*)*/, ''));
}

export class ServerWarehouse implements Warehouse {
  readonly kind = 'server' as const;
  private readonly client: ClickHouseClient;
  private migrated: Promise<string[]> | undefined;

  constructor(private readonly opts: ServerWarehouseOptions) {
    this.client = createClient({
      url: opts.url,
      username: opts.username ?? 'default',
      password: opts.password ?? '',
      database: opts.database,
      request_timeout: opts.requestTimeoutMs ?? 30_000,
      // Failures surface as WarehouseErrors (and sink retry logs); the client's own multi-line logs would repeat them.
      log: { level: ClickHouseLogLevel.OFF },
    });
  }

  migrate(): Promise<string[]> {
    this.migrated ??= runMigrations({
      exec: async (sql) => {
        await this.client.command({ query: sql });
      },
      select: async <T>(sql: string) => parseJsonEachRow<T>(await (await this.client.query({ query: sql, format: 'JSONEachRow' })).text()),
    }).catch((err: unknown) => {
      this.migrated = undefined;
      throw err;
    });
    return this.migrated;
  }

  async insert(table: string, rows: WarehouseRow[]): Promise<void> {
    if (rows.length === 0) return;
    await this.ready();
    const batch = this.opts.insertBatchRows ?? DEFAULT_INSERT_BATCH_ROWS;
    for (let i = 0; i < rows.length; i += batch) {
      const values = rows.slice(i, i + batch);
      try {
        await withBackoff(() => this.client.insert({ table, values, format: 'JSONEachRow' }), isRetriableServerError, this.opts.retry);
      } catch (err) {
        throw new WarehouseError(`insert into ${table} at ${this.opts.url} failed: ${describe(err)}`, isRetriableServerError(err));
      }
    }
  }

  insertRecords<T extends TopicName>(topic: T, records: readonly TopicRecords[T][]): Promise<void> {
    const convert = warehouseRowConverter(topic);
    return this.insert(
      tableOf(topic),
      records.map((r) => convert(r)),
    );
  }

  async query(sql: string, opts: QueryOptions): Promise<string> {
    const format = opts.format === 'json' ? 'JSONEachRow' : opts.format === 'csv' ? 'CSVWithNames' : 'TabSeparatedWithNamesAndTypes';
    const text = await this.run(sql, format, opts.write ?? false);
    return opts.format === 'table' ? renderTsvTable(text) : text;
  }

  async rows<T = Record<string, unknown>>(sql: string, opts: { write?: boolean } = {}): Promise<T[]> {
    return parseJsonEachRow<T>(await this.run(sql, 'JSONEachRow', opts.write ?? false));
  }

  async close(): Promise<void> {
    await this.client.close();
  }

  private async run(
    sql: string,
    format: 'JSONEachRow' | 'CSVWithNames' | 'TabSeparatedWithNamesAndTypes',
    write: boolean,
  ): Promise<string> {
    await this.ready();
    const clickhouse_settings = {
      output_format_json_quote_64bit_integers: 0 as const,
      ...(write ? {} : { readonly: '2' as const }),
    };
    try {
      if (!returnsRows(sql)) {
        await this.client.command({ query: sql, clickhouse_settings });
        return '';
      }
      const result = await this.client.query({ query: sql.trim().replace(/;\s*$/, ''), format, clickhouse_settings });
      return await result.text();
    } catch (err) {
      if (errorCode(err) === READONLY_CODE) throw new WarehouseReadOnlyError();
      throw new WarehouseError(`query failed at ${this.opts.url}: ${describe(err)}`, isRetriableServerError(err));
    }
  }

  private async ready(): Promise<void> {
    if (this.opts.autoMigrate !== false) await this.migrate();
  }
}

/** The ClickHouse error code; old servers' messages are not parsed by the client, so read the text too. */
function errorCode(err: unknown): number | undefined {
  const e = err as { code?: unknown; message?: string };
  const parsed = Number(e?.code);
  return Number.isInteger(parsed) && parsed > 0 ? parsed : clickhouseCode(e?.message ?? '');
}

function describe(err: unknown): string {
  const e = err as { code?: string; message?: string };
  const msg = clickhouseMessage(e?.message ?? String(err));
  return msg || e?.code || 'unknown error';
}
