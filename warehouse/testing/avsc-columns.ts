// Test oracle: the column a topic's .avsc says each field must have in the lake (Parquet) and in the
// warehouse (ClickHouse), read from the schema JSON itself rather than through avro-fields.ts, which
// the Parquet schema and the Native insert derive from, so a slip there fails the tests too.
// Columns render as one line each ("name TYPE") and are compared line by line, naming every mismatch.
import type { ParquetField, ParquetSchema } from 'parquetjs-lite';

type AvroType = string | AvroType[] | { type: AvroType; logicalType?: string; items?: AvroType; fields?: AvroField[] };
interface AvroField {
  name: string;
  type: AvroType;
}

/** One field as the .avsc declares it: what the oracles below read. */
interface AvscColumn {
  name: string;
  type: 'string' | 'enum' | 'int' | 'long' | 'double' | 'boolean' | 'timestamp-millis' | 'array';
  nullable: boolean;
  items?: AvscColumn[];
}

function avscColumns(fields: readonly AvroField[], where: string): AvscColumn[] {
  return fields.map((f) => {
    const column = avscColumn(f.name, f.type, `${where}.${f.name}`);
    // Money is integer minor units: a *_cents field is a long, whatever else changes.
    if (f.name.endsWith('_cents') && column.type !== 'long')
      throw new Error(`${where}.${f.name} is money but ${JSON.stringify(f.type)}, not a long`);
    return column;
  });
}

function avscColumn(name: string, type: AvroType, where: string): AvscColumn {
  if (Array.isArray(type)) {
    const branches = type.filter((t) => t !== 'null');
    if (branches.length !== 1 || branches.length === type.length)
      throw new Error(`${where}: only ["null", T] unions map to columns, got ${JSON.stringify(type)}`);
    return { ...avscColumn(name, branches[0], where), nullable: true };
  }
  if (typeof type === 'string') {
    if (!['string', 'int', 'long', 'double', 'boolean'].includes(type)) throw new Error(`${where}: no column for ${type}`);
    return { name, type: type as AvscColumn['type'], nullable: false };
  }
  if (type.logicalType === 'timestamp-millis' && type.type === 'long') return { name, type: 'timestamp-millis', nullable: false };
  if (type.type === 'enum') return { name, type: 'enum', nullable: false };
  if (type.type === 'array' && typeof type.items === 'object' && !Array.isArray(type.items) && type.items.fields) {
    return { name, type: 'array', nullable: false, items: avscColumns(type.items.fields, `${where}[]`) };
  }
  if (type.logicalType === undefined) return avscColumn(name, type.type, where);
  throw new Error(`${where}: no column for ${JSON.stringify(type)}`);
}

function fieldsOf(schema: Record<string, unknown>): AvroField[] {
  return schema.fields as AvroField[];
}

const PARQUET: Record<Exclude<AvscColumn['type'], 'array'>, string> = {
  string: 'BYTE_ARRAY UTF8',
  enum: 'BYTE_ARRAY UTF8',
  int: 'INT32',
  long: 'INT64',
  double: 'DOUBLE',
  boolean: 'BOOLEAN',
  'timestamp-millis': 'INT64 TIMESTAMP_MILLIS',
};

function expectedParquet(columns: AvscColumn[], prefix = ''): string[] {
  return columns.flatMap((c) =>
    c.type === 'array'
      ? [`${prefix}${c.name} REPEATED group`, ...expectedParquet(c.items ?? [], `${prefix}${c.name}.`)]
      : [`${prefix}${c.name} ${c.nullable ? 'OPTIONAL' : 'REQUIRED'} ${PARQUET[c.type]}`],
  );
}

function actualParquet(fields: Record<string, ParquetField>, prefix = ''): string[] {
  return Object.values(fields).flatMap((f) =>
    f.fields
      ? [`${prefix}${f.name} ${f.repetitionType} group`, ...actualParquet(f.fields, `${prefix}${f.name}.`)]
      : [`${prefix}${f.name} ${f.repetitionType} ${[f.primitiveType, f.originalType].filter(Boolean).join(' ')}`],
  );
}

/** How a Parquet schema differs from what the .avsc says; empty when it matches. */
export function parquetMismatches(avsc: Record<string, unknown>, parquet: ParquetSchema): string[] {
  const where = String(avsc.name);
  return lineMismatches(expectedParquet(avscColumns(fieldsOf(avsc), where)), actualParquet(parquet.fields), `Parquet schema of ${where}`);
}

const CLICKHOUSE: Record<Exclude<AvscColumn['type'], 'array'>, string> = {
  string: 'String',
  enum: 'String',
  int: 'Int32',
  long: 'Int64',
  double: 'Float64',
  boolean: 'Bool',
  'timestamp-millis': "DateTime64(3, 'UTC')",
};

function clickhouseType(c: AvscColumn): string {
  if (c.type === 'array') return `Array(Tuple(${(c.items ?? []).map((i) => `${i.name} ${clickhouseType(i)}`).join(', ')}))`;
  return c.nullable ? `Nullable(${CLICKHOUSE[c.type]})` : CLICKHOUSE[c.type];
}

/**
 * A type as DESCRIBE shows it, in the form clickhouseType writes: one space after commas, none inside
 * parentheses, and a LowCardinality(String) as String (a storage choice a migration may make for
 * strings and enums; the values are the same).
 */
function normalisedType(type: string): string {
  return type
    .replace(/\s+/g, ' ')
    .replace(/\( /g, '(')
    .replace(/ \)/g, ')')
    .replace(/LowCardinality\(String\)/g, 'String');
}

/** How a table's columns (as DESCRIBE TABLE lists them) differ from the .avsc fields; empty when they match. */
export function clickhouseMismatches(
  avsc: Record<string, unknown>,
  columns: readonly { name: string; type: string }[],
  relation: string,
): string[] {
  const expected = avscColumns(fieldsOf(avsc), String(avsc.name)).map((c) => `${c.name} ${clickhouseType(c)}`);
  return lineMismatches(
    expected,
    columns.map((c) => `${c.name} ${normalisedType(c.type)}`),
    `table ${relation}`,
  );
}

/** Compares "name TYPE" lines by name, then the order of the names. */
function lineMismatches(expected: string[], actual: string[], what: string): string[] {
  const byName = (lines: string[]) => new Map(lines.map((l) => [l.slice(0, l.indexOf(' ')), l.slice(l.indexOf(' ') + 1)]));
  const want = byName(expected);
  const have = byName(actual);
  const out: string[] = [];
  for (const [name, type] of want) {
    const got = have.get(name);
    if (got === undefined) out.push(`${what}: no column ${name} (the .avsc says ${type})`);
    else if (got !== type) out.push(`${what}: column ${name} is ${got}, the .avsc says ${type}`);
  }
  for (const [name, type] of have) if (!want.has(name)) out.push(`${what}: column ${name} ${type} is not in the .avsc`);
  if (out.length === 0 && expected.join('\n') !== actual.join('\n'))
    out.push(`${what}: columns in another order than the .avsc fields: ${[...have.keys()].join(', ')}`);
  return out;
}
