// The embedded warehouse: chDB (ClickHouse in-process) on `<dataDir>/warehouse/chdb`. Two connections on
// the same path: a writer, and a reader fixed at readonly=2 (reads and settings only), which is how
// read-only queries are enforced by ClickHouse itself rather than by parsing SQL.
import { drainPending, Session } from 'chdb';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tableOf } from '../schemas/topics.ts';
import type { TopicName, TopicRecords } from '../schemas/types.ts';
import { clickhouseCode, clickhouseMessage, READONLY_CODE, WarehouseError, WarehouseReadOnlyError } from './errors.ts';
import { renderTsvTable } from './format-table.ts';
import { runMigrations } from './migrations.ts';
import { nativeBlockEncoderOf } from './native/native-block.ts';
import { acquireOwnerLock } from './owner-lock.ts';
import {
  DEFAULT_INSERT_BATCH_ROWS,
  parseJsonEachRow,
  toJsonEachRow,
  type QueryOptions,
  type Warehouse,
  type WarehouseRow,
} from './warehouse.ts';

export interface ChdbWarehouseOptions {
  /** Run migrations before the first insert or query (default true). */
  autoMigrate?: boolean;
  insertBatchRows?: number;
}

const CONNECTION_SETTINGS = ['SET output_format_json_quote_64bit_integers = 0'];

/** libchdb allows one data directory per process: the one open here, if any. */
let openInProcess: ChdbWarehouse | undefined;

export function warehouseDirOf(dataDir: string): string {
  return join(resolve(dataDir), 'warehouse');
}

export class ChdbWarehouse implements Warehouse {
  readonly kind = 'chdb' as const;
  private readonly writer: Session;
  private readonly reader: Session;
  private writerQueue: Promise<unknown> = Promise.resolve();
  private readerQueue: Promise<unknown> = Promise.resolve();
  private migrated: Promise<string[]> | undefined;
  private closed = false;
  private tmpFiles = 0;
  private readonly lowCardinalityColumns = new Map<string, ReadonlySet<string>>();

  private constructor(
    readonly dataDir: string,
    private readonly releaseLock: () => void,
    private readonly opts: ChdbWarehouseOptions,
  ) {
    const enginePath = join(warehouseDirOf(dataDir), 'chdb');
    this.writer = new Session(enginePath);
    this.reader = new Session(enginePath);
    for (const s of CONNECTION_SETTINGS) {
      this.writer.query(s);
      this.reader.query(s);
    }
    this.reader.query('SET readonly = 2');
  }

  /** Opens (creating) the embedded warehouse of a data dir, taking its owner lock. */
  static async open(dataDir: string, opts: ChdbWarehouseOptions = {}): Promise<ChdbWarehouse> {
    const abs = resolve(dataDir);
    if (openInProcess) {
      throw new WarehouseError(
        `chDB is already open at ${openInProcess.dataDir} in this process (libchdb allows one data directory per process)`,
      );
    }
    const dir = warehouseDirOf(abs);
    mkdirSync(dir, { recursive: true });
    const release = acquireOwnerLock(dir);
    try {
      await drainPending();
      const wh = new ChdbWarehouse(abs, release, opts);
      openInProcess = wh;
      return wh;
    } catch (err) {
      release();
      throw new WarehouseError(`cannot open chDB at ${dir}: ${clickhouseMessage((err as Error).message)}`);
    }
  }

  /** The warehouse this process has open for a data dir, if any (so a query in-process reuses it). */
  static openFor(dataDir: string): ChdbWarehouse | undefined {
    return openInProcess && openInProcess.dataDir === resolve(dataDir) ? openInProcess : undefined;
  }

  migrate(): Promise<string[]> {
    this.migrated ??= runMigrations({
      exec: async (sql) => {
        await this.onWriter(() => this.writer.queryAsync(sql, { format: 'TSV' }));
      },
      select: async <T>(sql: string) =>
        parseJsonEachRow<T>((await this.onWriter(() => this.writer.queryAsync(sql, { format: 'JSONEachRow' }))).text()),
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
      const payload = Buffer.from(toJsonEachRow(rows.slice(i, i + batch)));
      try {
        await this.onWriter(() => this.writer.insert({ table, values: payload, format: 'JSONEachRow' }));
      } catch (err) {
        throw new WarehouseError(`insert into ${table} failed: ${clickhouseMessage((err as Error).message)}`);
      }
    }
  }

  /**
   * Records go in as a file in ClickHouse's Native format (native/native-block.ts) read by the engine.
   * Of the formats tried it is the cheapest to build in JS (encoding Parquet was most of the time) and
   * for the engine to read (it parses TSV or JSON several times slower), and it carries times as Int64
   * milliseconds, exactly. chDB's raw insert would avoid the file but takes text formats only.
   *
   * optimize_on_insert = 0: ReplacingMergeTree would otherwise also collapse duplicates inside each
   * inserted block, a row-by-row pass that costs about a third of the insert. Duplicates are collapsed
   * by merges and at read time (FINAL, the _latest views) either way; only a plain count() of a table
   * without FINAL sees a duplicate inside one batch until the next merge, as it sees one across batches.
   */
  async insertRecords<T extends TopicName>(topic: T, records: readonly TopicRecords[T][]): Promise<void> {
    if (records.length === 0) return;
    await this.ready();
    const table = tableOf(topic);
    const encoder = nativeBlockEncoderOf(topic, await this.lowCardinalityColumnsOf(table));
    const columns = encoder.columns.join(', ');
    const tmpDir = join(warehouseDirOf(this.dataDir), 'tmp');
    mkdirSync(tmpDir, { recursive: true });
    const batch = this.opts.insertBatchRows ?? DEFAULT_INSERT_BATCH_ROWS;
    for (let i = 0; i < records.length; i += batch) {
      let block: Buffer;
      try {
        block = encoder.encode(records.slice(i, i + batch));
      } catch (err) {
        throw new WarehouseError(`insert into ${table} failed: ${(err as Error).message}`);
      }
      const file = join(tmpDir, `insert-${process.pid}-${this.tmpFiles++}.native`);
      writeFileSync(file, block);
      const sql = `INSERT INTO ${table} (${columns}) SELECT ${columns} FROM file(${sqlString(file)}, Native) SETTINGS optimize_on_insert = 0`;
      try {
        await this.onWriter(() => this.writer.queryAsync(sql, { format: 'TSV' }));
      } catch (err) {
        throw new WarehouseError(`insert into ${table} failed: ${clickhouseMessage((err as Error).message)}`);
      } finally {
        rmSync(file, { force: true });
      }
    }
  }

  /**
   * The table's LowCardinality(String) columns, asked once per table: the Native block sends those
   * columns already dictionary-encoded. Stale after an ALTER only costs speed (the INSERT converts);
   * a table that does not exist yet is asked again next time.
   */
  private async lowCardinalityColumnsOf(table: string): Promise<ReadonlySet<string>> {
    const known = this.lowCardinalityColumns.get(table);
    if (known) return known;
    const sql = `SELECT name, type FROM system.columns WHERE database = currentDatabase() AND table = ${sqlString(table)}`;
    let columns: { name: string; type: string }[];
    try {
      columns = parseJsonEachRow((await this.onWriter(() => this.writer.queryAsync(sql, { format: 'JSONEachRow' }))).text());
    } catch (err) {
      throw new WarehouseError(`insert into ${table} failed: ${clickhouseMessage((err as Error).message)}`);
    }
    const lowCardinality = new Set(columns.filter((c) => c.type === 'LowCardinality(String)').map((c) => c.name));
    if (columns.length > 0) this.lowCardinalityColumns.set(table, lowCardinality);
    return lowCardinality;
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
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled([this.writerQueue, this.readerQueue, this.migrated]);
    this.reader.close();
    this.writer.close();
    await drainPending();
    if (openInProcess === this) openInProcess = undefined;
    this.releaseLock();
  }

  private async run(sql: string, format: string, write: boolean): Promise<string> {
    await this.ready();
    try {
      const result = write
        ? await this.onWriter(() => this.writer.queryAsync(sql, { format }))
        : await this.onReader(() => this.reader.queryAsync(sql, { format }));
      return result.text();
    } catch (err) {
      throw toQueryError(err);
    }
  }

  private async ready(): Promise<void> {
    if (this.closed) throw new WarehouseError(`the warehouse at ${this.dataDir} is closed`);
    if (this.opts.autoMigrate !== false) await this.migrate();
  }

  // One operation at a time per connection: the engine serialises a connection anyway, and queueing
  // here keeps close() from racing an operation still running on it.
  private onWriter<T>(op: () => Promise<T>): Promise<T> {
    const next = this.writerQueue.then(op, op);
    this.writerQueue = next.catch(() => undefined);
    return next;
  }

  private onReader<T>(op: () => Promise<T>): Promise<T> {
    const next = this.readerQueue.then(op, op);
    this.readerQueue = next.catch(() => undefined);
    return next;
  }
}

/** A ClickHouse string literal. */
function sqlString(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function toQueryError(err: unknown): WarehouseError {
  const raw = (err as Error).message ?? String(err);
  const code = (err as { clickhouseCode?: number }).clickhouseCode ?? clickhouseCode(raw);
  if (code === READONLY_CODE) return new WarehouseReadOnlyError();
  return new WarehouseError(`query failed: ${clickhouseMessage(raw)}`);
}
