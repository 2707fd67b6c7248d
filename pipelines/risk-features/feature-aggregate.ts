// The fields of the per-customer window aggregate, declared once as an Avro record schema: the
// TypeScript type, the empty aggregate (the field defaults) and the changelog serde
// (feature-aggregate-serde.ts) all derive from it. Fields are named as the risk-features fields
// they become, so featuresOf copies them by name; how each one adds up is window-aggregate.ts.
import type avro from 'avsc';
import { parseAvroType } from '../../schemas/serde.ts';

export const FEATURE_AGGREGATE_SCHEMA = {
  type: 'record',
  name: 'FeatureAggregate',
  namespace: 'riskstream.state.risk_features',
  doc: 'One customer over one day slice or window: sums, counts and maxima, so slices merge in any order.',
  fields: [
    { name: 'tenant_id', type: 'string', default: '', doc: 'The smallest tenant_id seen: deterministic under any merge order.' },
    { name: 'txn_count', type: 'long', default: 0 },
    { name: 'debit_total_cents', type: 'long', default: 0 },
    { name: 'credit_total_cents', type: 'long', default: 0 },
    { name: 'max_debit_cents', type: 'long', default: 0 },
    // DEBIT sums per spending category (SPENDING_CATEGORIES). Fields, not an array: every slice
    // and cached partial holds one aggregate, and an array would add two more objects to each.
    { name: 'spend_food_cents', type: 'long', default: 0 },
    { name: 'spend_shopping_cents', type: 'long', default: 0 },
    { name: 'spend_transport_cents', type: 'long', default: 0 },
    { name: 'spend_housing_cents', type: 'long', default: 0 },
    { name: 'spend_health_cents', type: 'long', default: 0 },
    { name: 'spend_entertainment_cents', type: 'long', default: 0 },
    { name: 'spend_other_cents', type: 'long', default: 0 },
    { name: 'repayments_due', type: 'long', default: 0 },
    { name: 'repayments_late', type: 'long', default: 0 },
    { name: 'max_days_late', type: 'long', default: 0 },
  ],
} as const;

type AggregateField = (typeof FEATURE_AGGREGATE_SCHEMA)['fields'][number];
/** The TypeScript type of a field's Avro type; an Avro type not listed here makes the field `never` (a compile error where it is set). */
type TsTypeOf<T> = T extends 'string' ? string : T extends 'long' ? number : never;

export type FeatureAggregate = { [F in AggregateField as F['name']]: TsTypeOf<F['type']> };

/** The compiled Avro type: avsc generates its record class, writer and reader from the schema. */
export const FEATURE_AGGREGATE_TYPE: avro.Type = parseAvroType(FEATURE_AGGREGATE_SCHEMA);

/** Decoded aggregates and empty ones are instances of the same class, so the add and merge code sees one object shape. */
const AggregateRecord = (FEATURE_AGGREGATE_TYPE as avro.types.RecordType).recordConstructor as new () => FeatureAggregate;

/** An aggregate of nothing: every field at its schema default. */
export function emptyAggregate(): FeatureAggregate {
  return new AggregateRecord();
}
