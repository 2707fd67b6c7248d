import { describe, expect, it } from 'vitest';
import { avroSchemaOf } from '../../schemas/topics.ts';
import { FEATURE_AGGREGATE_SCHEMA } from './feature-aggregate.ts';

describe('FEATURE_AGGREGATE_SCHEMA', () => {
  it('names each field as the risk-features field it becomes, with the same Avro type (featuresOf copies them by name)', () => {
    const output = new Map((avroSchemaOf('risk-features').fields as { name: string; type: unknown }[]).map((f) => [f.name, f.type]));
    for (const field of FEATURE_AGGREGATE_SCHEMA.fields) {
      expect(output.get(field.name), field.name).toEqual(field.type);
    }
  });
});
