// Reads lake files back with an independent reader: ClickHouse's own Parquet reader (chDB file()/s3()),
// and compares them with the warehouse table.
import type { Warehouse } from '../../../warehouse/warehouse.ts';

export type Row = Record<string, unknown>;

/** Rows of one table FINAL, ordered by event_id, every column as ClickHouse renders it. */
export function tableRows(wh: Warehouse, table: string): Promise<Row[]> {
  return wh.rows<Row>(`SELECT * FROM ${table} FINAL ORDER BY event_id`);
}

/** Rows of one or more Parquet files through a table function expression, e.g. file('/x/*.parquet', Parquet). */
export function lakeRows(wh: Warehouse, source: string, where = ''): Promise<Row[]> {
  // use_hive_partitioning=0: the dt=... directory is layout, not a column of the record
  return wh.rows<Row>(`SELECT * FROM ${source} ${where} ORDER BY event_id SETTINGS use_hive_partitioning = 0`);
}

export function fileSource(path: string): string {
  return `file('${path.replace(/'/g, "\\'")}', Parquet)`;
}
