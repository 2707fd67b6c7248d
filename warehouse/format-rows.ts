// Rows that did not come from a query (e.g. records read from the log) in the `--format` shapes
// `riskstream query` prints: table (the same renderer), json (JSONEachRow) or csv (CSVWithNames, as
// ClickHouse writes it: strings quoted, NULL as \N).
import { renderTsvTable } from './format-table.ts';
import { toJsonEachRow, type QueryFormat, type WarehouseRow } from './warehouse.ts';

function tsvField(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  return String(value).replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

function csvField(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  if (typeof value === 'number') return String(value);
  return `"${String(value).replace(/"/g, '""')}"`;
}

/** `columns`: which fields, in order (default: the first row's). */
export function formatRows(rows: readonly WarehouseRow[], format: QueryFormat, columns: string[] = Object.keys(rows[0] ?? {})): string {
  const pick = (row: WarehouseRow) => columns.map((c) => row[c]);
  switch (format) {
    case 'json':
      return toJsonEachRow(rows.map((row) => Object.fromEntries(columns.map((c) => [c, row[c]]))));
    case 'csv':
      return [columns.map(csvField), ...rows.map((r) => pick(r).map(csvField))].map((fields) => `${fields.join(',')}\n`).join('');
    case 'table': {
      // A column is numeric (right-aligned) when every value in it is a number or null.
      const types = columns.map((c) =>
        rows.length > 0 && rows.every((r) => r[c] === null || typeof r[c] === 'number') ? 'Int64' : 'String',
      );
      const lines = [columns.map(tsvField), types, ...rows.map((r) => pick(r).map(tsvField))];
      return renderTsvTable(lines.map((fields) => `${fields.join('\t')}\n`).join(''));
    }
  }
}
