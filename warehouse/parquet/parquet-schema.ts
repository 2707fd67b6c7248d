// A topic's Parquet schema, derived from its Avro schema (the same field model the warehouse uses):
// times INT64 TIMESTAMP_MILLIS, money and other longs INT64, ints INT32, doubles DOUBLE, strings and
// enums UTF8, nullable fields optional, arrays of records (statements.lines) a repeated group — which
// ClickHouse reads as Array(Tuple(...)) with named elements, like the warehouse column.
import parquet, { type ParquetFieldDefinition, type ParquetSchema } from 'parquetjs-lite';
import type { TopicName } from '../../schemas/types.ts';
import { fieldsOfTopic, type FieldModel } from '../avro-fields.ts';

const PARQUET_TYPE: Record<Exclude<FieldModel['kind'], 'array'>, string> = {
  string: 'UTF8',
  enum: 'UTF8',
  int: 'INT32',
  long: 'INT64',
  double: 'DOUBLE',
  boolean: 'BOOLEAN',
  timestamp: 'TIMESTAMP_MILLIS',
};

/** SNAPPY for files that are kept (the lake); UNCOMPRESSED for files read once and deleted. */
export type ParquetCompression = 'SNAPPY' | 'UNCOMPRESSED';

function definitionOf(fields: FieldModel[], compression: ParquetCompression): Record<string, ParquetFieldDefinition> {
  const out: Record<string, ParquetFieldDefinition> = {};
  for (const f of fields) {
    if (f.kind === 'array') {
      out[f.name] = { repeated: true, fields: definitionOf(f.items ?? [], compression) };
    } else {
      // Statistics off: they cost a Set of every value per column, and readers here do not need them.
      out[f.name] = { type: PARQUET_TYPE[f.kind], optional: f.nullable, compression, statistics: false };
    }
  }
  return out;
}

const cache = new Map<string, ParquetSchema>();

export function parquetSchemaOf(topic: TopicName, compression: ParquetCompression = 'SNAPPY'): ParquetSchema {
  const key = `${topic}:${compression}`;
  let schema = cache.get(key);
  if (!schema) {
    schema = new parquet.ParquetSchema(definitionOf(fieldsOfTopic(topic), compression));
    cache.set(key, schema);
  }
  return schema;
}
