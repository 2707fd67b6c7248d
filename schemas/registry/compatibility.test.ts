// BACKWARD (and the other Confluent levels) by the Avro resolution rules, with the offending field named.
import { describe, expect, it } from 'vitest';
import { assertCompatible, compatibilityProblems, findIncompatibility } from './compatibility.ts';
import { SchemaIncompatibleError } from './registry-client.ts';
import { ALL_TOPICS, avroSchemaOf } from '../topics.ts';

type Field = Record<string, unknown> & { name: string };
const record = (fields: Field[], name = 'Thing'): Record<string, unknown> => ({ type: 'record', name, namespace: 'test', fields });
const v1 = record([
  { name: 'id', type: 'string' },
  { name: 'amount_cents', type: 'long' },
  { name: 'count', type: 'int' },
  { name: 'status', type: { type: 'enum', name: 'Status', symbols: ['A', 'B'] } },
  { name: 'note', type: ['null', 'string'], default: null },
  { name: 'lines', type: { type: 'array', items: record([{ name: 'n', type: 'int' }], 'Line') } },
]);
const change = (name: string, patch: Partial<Field> | null): Record<string, unknown> =>
  record((v1.fields as Field[]).flatMap((f) => (f.name !== name ? [f] : patch === null ? [] : [{ ...f, ...patch }])));

describe('findIncompatibility (reader = new schema, writer = old)', () => {
  it('accepts the same schema, every project schema against itself', () => {
    expect(findIncompatibility(v1, v1)).toBeUndefined();
    for (const topic of ALL_TOPICS) expect(findIncompatibility(avroSchemaOf(topic), avroSchemaOf(topic))).toBeUndefined();
  });

  it('names a field added without a default', () => {
    const v2 = record([...(v1.fields as Field[]), { name: 'foo', type: 'string' }]);
    expect(findIncompatibility(v2, v1)).toEqual({ field: 'foo', reason: 'was added without a default' });
  });

  it('accepts a field added with a default, and a removed field', () => {
    expect(findIncompatibility(record([...(v1.fields as Field[]), { name: 'foo', type: 'string', default: '' }]), v1)).toBeUndefined();
    expect(findIncompatibility(change('count', null), v1)).toBeUndefined();
  });

  it('names a changed type with both types', () => {
    expect(findIncompatibility(change('amount_cents', { type: 'string' }), v1)).toEqual({
      field: 'amount_cents',
      reason: 'changed type long -> string',
    });
    expect(findIncompatibility(change('note', { type: ['null', 'long'] }), v1)).toEqual({
      field: 'note',
      reason: 'changed type null|string -> null|long',
    });
  });

  it('allows Avro promotions (int -> long, long -> double) and making a field nullable', () => {
    expect(findIncompatibility(change('count', { type: 'long' }), v1)).toBeUndefined();
    expect(findIncompatibility(change('amount_cents', { type: 'double' }), v1)).toBeUndefined();
    expect(findIncompatibility(change('amount_cents', { type: ['null', 'long'], default: null }), v1)).toBeUndefined();
    expect(findIncompatibility(change('amount_cents', { type: 'int' }), v1)).toEqual({
      field: 'amount_cents',
      reason: 'changed type long -> int',
    });
  });

  it('names an enum that lost a symbol, and a nested record field by its path', () => {
    expect(findIncompatibility(change('status', { type: { type: 'enum', name: 'Status', symbols: ['A'] } }), v1)).toEqual({
      field: 'status',
      reason: 'enum lost symbol(s) B without a default symbol',
    });
    const nested = change('lines', {
      type: {
        type: 'array',
        items: record(
          [
            { name: 'n', type: 'int' },
            { name: 'm', type: 'int' },
          ],
          'Line',
        ),
      },
    });
    expect(findIncompatibility(nested, v1)).toEqual({ field: 'lines[].m', reason: 'was added without a default' });
  });
});

describe('compatibility levels', () => {
  const v2 = record([...(v1.fields as Field[]), { name: 'foo', type: 'string', default: '' }]);
  const v3 = change('count', null);

  it('BACKWARD checks the latest version; BACKWARD_TRANSITIVE every version', () => {
    const needsFoo = record([...(v3.fields as Field[]), { name: 'count', type: 'int' }]);
    // Compatible with v3? count missing in v3 and no default: no. Against v1 it would be fine.
    expect(compatibilityProblems(needsFoo, [v1, v3], 'BACKWARD')).toEqual([{ field: 'count', reason: 'was added without a default' }]);
    expect(compatibilityProblems(v3, [v1, v2], 'BACKWARD_TRANSITIVE')).toEqual([]);
  });

  it('FORWARD: the old schema must read the new one', () => {
    expect(compatibilityProblems(v3, [v1], 'FORWARD')).toEqual([
      { field: 'count', reason: 'was removed but has no default in the old schema' },
    ]);
    expect(compatibilityProblems(v3, [v1], 'FULL')).toHaveLength(1);
    expect(compatibilityProblems(v3, [v1], 'NONE')).toEqual([]);
  });

  it('assertCompatible throws SchemaIncompatibleError naming subject and field', () => {
    const bad = record([...(v1.fields as Field[]), { name: 'foo', type: 'string' }]);
    expect(() => assertCompatible('things-value', bad, [v1])).toThrow(SchemaIncompatibleError);
    expect(() => assertCompatible('things-value', bad, [v1])).toThrow(
      "schema for things-value is not BACKWARD compatible: field 'foo' was added without a default",
    );
  });
});
