// Rows → one Parquet file in memory. parquetjs-lite writes the file format (pages, footer, thrift);
// its per-row shredder is what makes it slow (~30k rows/s: an object and a Set per row and column),
// so rows are shredded here, column by column, straight into the row buffer its writer encodes.
// Same Dremel levels as parquetjs-lite's own shredder; one row group per file.
import { createRequire } from 'node:module';
import parquet, { type ParquetField, type ParquetSchema } from 'parquetjs-lite';

// parquetjs-lite's PLAIN encoders copy every string into its own Buffer and every int64 through a
// BigInt; most of the remaining time went to that garbage. These write the same bytes into one
// buffer per page. Installed once on the codec object its writer dispatches through.
const plainCodec = createRequire(import.meta.url)('parquetjs-lite/lib/codec/plain.js') as {
  encodeValues: (type: string, values: unknown[], opts: unknown) => Buffer;
  __riskstreamFast?: boolean;
};
if (!plainCodec.__riskstreamFast) {
  const original = plainCodec.encodeValues;
  plainCodec.encodeValues = (type, values, opts) => {
    if (type === 'BYTE_ARRAY' && allStrings(values)) return encodeStrings(values as string[]);
    if (type === 'INT64' && allSafeIntegers(values)) return encodeInt64s(values as number[]);
    return original(type, values, opts);
  };
  plainCodec.__riskstreamFast = true;
}

function allStrings(values: unknown[]): boolean {
  for (let i = 0; i < values.length; i++) if (typeof values[i] !== 'string') return false;
  return true;
}

function allSafeIntegers(values: unknown[]): boolean {
  for (let i = 0; i < values.length; i++) if (!Number.isSafeInteger(values[i])) return false;
  return true;
}

function encodeStrings(values: string[]): Buffer {
  let size = 0;
  for (const v of values) size += 4 + Buffer.byteLength(v, 'utf8');
  const buf = Buffer.allocUnsafe(size);
  let pos = 0;
  for (const v of values) {
    const len = buf.write(v, pos + 4, 'utf8');
    buf.writeUInt32LE(len, pos);
    pos += 4 + len;
  }
  return buf;
}

function encodeInt64s(values: number[]): Buffer {
  const buf = Buffer.allocUnsafe(8 * values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    // two's complement as two 32-bit halves: exact for every safe integer, negative ones included
    const high = Math.floor(v / 0x1_0000_0000);
    buf.writeUInt32LE(v - high * 0x1_0000_0000, i * 8);
    buf.writeInt32LE(high, i * 8 + 4);
  }
  return buf;
}

export class ParquetEncodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ParquetEncodeError';
  }
}

interface ColumnData {
  dlevels: number[];
  rlevels: number[];
  values: unknown[];
  distinct_values: Set<unknown>;
  count: number;
}

interface RowBuffer {
  rowCount: number;
  pageRowCount: number;
  columnData: Record<string, ColumnData>;
  pages: Record<string, unknown[]>;
}

type Shredder = (record: Record<string, unknown> | null, r: number, d: number) => void;

function leavesOf(field: ParquetField): ParquetField[] {
  return field.isNested ? Object.values(field.fields ?? {}).flatMap(leavesOf) : [field];
}

function compile(fields: Record<string, ParquetField>, columns: Record<string, ColumnData>): Shredder {
  const parts: Shredder[] = Object.values(fields).map((field) => {
    const name = field.name;
    if (field.isNested) {
      const child = compile(field.fields ?? {}, columns);
      const leaves = leavesOf(field).map((l) => columns[l.path.join(',')]);
      const nulls = (r: number, d: number) => {
        for (const c of leaves) {
          c.rlevels.push(r);
          c.dlevels.push(d);
          c.count++;
        }
      };
      if (field.repetitionType === 'REPEATED') {
        return (record, r, d) => {
          const items = record?.[name];
          if (!Array.isArray(items) || items.length === 0) return nulls(r, d);
          for (let i = 0; i < items.length; i++) child(items[i] as Record<string, unknown>, i === 0 ? r : field.rLevelMax, field.dLevelMax);
        };
      }
      return (record, r, d) => {
        const v = record?.[name];
        if (v === null || v === undefined) {
          if (record && field.repetitionType === 'REQUIRED') throw new ParquetEncodeError(`missing required field ${name}`);
          return nulls(r, d);
        }
        child(v as Record<string, unknown>, r, field.dLevelMax);
      };
    }
    const col = columns[field.path.join(',')];
    const required = field.repetitionType === 'REQUIRED';
    return (record, r, d) => {
      const v = record?.[name];
      if (v === null || v === undefined) {
        if (record && required) throw new ParquetEncodeError(`missing required field ${field.path.join('.')}`);
        col.rlevels.push(r);
        col.dlevels.push(d);
      } else {
        col.rlevels.push(r);
        col.dlevels.push(field.dLevelMax);
        col.values.push(v);
      }
      col.count++;
    };
  });
  return (record, r, d) => {
    for (const p of parts) p(record, r, d);
  };
}

function shred(schema: ParquetSchema, rows: readonly Record<string, unknown>[]): RowBuffer {
  const columnData: Record<string, ColumnData> = {};
  const pages: Record<string, unknown[]> = {};
  for (const f of schema.fieldList) {
    const key = f.path.join(',');
    columnData[key] = { dlevels: [], rlevels: [], values: [], distinct_values: new Set(), count: 0 };
    pages[key] = [];
  }
  const shredRow = compile(schema.fields, columnData);
  for (const row of rows) shredRow(row, 0, 0);
  return { rowCount: rows.length, pageRowCount: rows.length, columnData, pages };
}

/** Encodes rows (Avro-shaped: times as epoch ms) as a Parquet file. */
export async function encodeParquet(schema: ParquetSchema, rows: readonly Record<string, unknown>[]): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const envelope = new parquet.ParquetEnvelopeWriter(
    schema,
    async (buf) => {
      chunks.push(buf);
    },
    async () => undefined,
    0,
    { useDataPageV2: false, pageIndex: false },
  );
  const writer = new parquet.ParquetWriter(schema, envelope, { rowGroupSize: Number.MAX_SAFE_INTEGER });
  try {
    writer.rowBuffer = shred(schema, rows);
    await writer.close();
  } catch (err) {
    // parquetjs-lite throws strings
    throw err instanceof Error ? err : new ParquetEncodeError(String(err));
  }
  return Buffer.concat(chunks);
}
