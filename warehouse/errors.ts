// Named warehouse errors with one-line messages. `retriable` marks failures worth retrying
// (server unreachable, overloaded), as kafkajs does for its errors.

export class WarehouseError extends Error {
  constructor(
    message: string,
    readonly retriable = false,
  ) {
    super(message);
    this.name = 'WarehouseError';
  }
}

/** A write (DDL/DML) attempted through a read-only query. */
export class WarehouseReadOnlyError extends WarehouseError {
  constructor() {
    super('the warehouse is read-only for this query: pass --write (write: true) to run DDL or DML');
    this.name = 'WarehouseReadOnlyError';
  }
}

/** The embedded warehouse's data dir is held by another process that serves no query endpoint. */
export class WarehouseBusyError extends WarehouseError {
  constructor(dir: string, detail: string) {
    super(`warehouse ${dir} is in use by another process (${detail})`);
    this.name = 'WarehouseBusyError';
  }
}

export class MigrationError extends WarehouseError {
  constructor(
    readonly migration: string,
    reason: string,
  ) {
    super(`migration ${migration} failed: ${reason}`);
    this.name = 'MigrationError';
  }
}

/** The first line of a ClickHouse exception, without the "Code: N. DB::Exception:" preamble. */
export function clickhouseMessage(raw: string): string {
  const firstLine = raw.split('\n')[0] ?? raw;
  return (
    firstLine
      .replace(/^Query failed:\s*/, '')
      .replace(/^Code: \d+\.\s*DB::Exception:\s*/, '')
      // ClickHouse before 20.x: "Code: 60, e.displayText() = DB::Exception: ..., e.what() = DB::Exception"
      .replace(/^Code: \d+, e\.displayText\(\) = DB::Exception:\s*/, '')
      .replace(/, e\.what\(\) = DB::Exception$/, '')
      .replace(/^[\w.-]+: (?=Cannot execute query in readonly mode)/, '')
      .trim()
  );
}

/** ClickHouse's numeric error code from an exception text, if any. */
export function clickhouseCode(raw: string): number | undefined {
  const m = /Code: (\d+)[.,]/.exec(raw);
  return m ? Number(m[1]) : undefined;
}

export const READONLY_CODE = 164;
