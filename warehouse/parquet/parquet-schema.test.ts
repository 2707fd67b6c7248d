// The lake sink writes every topic with parquetSchemaOf(topic): it must say what the topic's .avsc says.
import { describe, expect, it } from 'vitest';
import { ALL_TOPICS, avroSchemaOf } from '../../schemas/topics.ts';
import { parquetMismatches } from '../testing/avsc-columns.ts';
import { parquetSchemaOf } from './parquet-schema.ts';

describe('parquetSchemaOf', () => {
  it.each(ALL_TOPICS)('matches %s.avsc: names, types, nullability, timestamp-millis and money as INT64', (topic) => {
    for (const compression of ['SNAPPY', 'UNCOMPRESSED'] as const) {
      expect(parquetMismatches(avroSchemaOf(topic), parquetSchemaOf(topic, compression))).toEqual([]);
    }
  });

  it('spells out the risk-features columns the lake holds', () => {
    const fields = parquetSchemaOf('risk-features').fields;
    expect([fields.window_start.primitiveType, fields.window_start.originalType, fields.window_start.repetitionType]).toEqual([
      'INT64',
      'TIMESTAMP_MILLIS',
      'REQUIRED',
    ]);
    expect([fields.spend_food_cents.primitiveType, fields.spend_food_cents.originalType]).toEqual(['INT64', undefined]);
    expect([fields.dti.primitiveType, fields.dti.repetitionType]).toEqual(['DOUBLE', 'OPTIONAL']);
    expect([fields.tenant_id.primitiveType, fields.tenant_id.originalType]).toEqual(['BYTE_ARRAY', 'UTF8']);
  });
});
