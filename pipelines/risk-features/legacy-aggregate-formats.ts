// Changelog values written before the aggregate serde was generated from FEATURE_AGGREGATE_SCHEMA,
// read so that state kept across the upgrade stays usable. Nothing writes these formats any more;
// their layouts are frozen: a field added to the schema since reads as its default.
// - V2 (tag 0x02): the tenant's byte length, the 14 counts and sums (LAYOUT order) as unsigned varints, the tenant.
// - V1 (tag 0x01): the tenant's byte length (UInt16LE), the 14 counts and sums as float64 LE, the tenant.
// - v8 structured clone (tag 0xFF): the camelCase object of the first releases, spend sums in an array.
import { deserialize } from 'node:v8';
import { SerdeDecodeError, V8_VERSION_TAG } from '../../engine/index.ts';
import { emptyAggregate, type FeatureAggregate } from './feature-aggregate.ts';

export const FORMAT_V1 = 0x01;
export const FORMAT_V2 = 0x02;

type Count = Exclude<keyof FeatureAggregate, 'tenant_id'>;

/** The scalars as V1/V2 laid them out, with the names v8-format values gave them. */
const SCALARS: readonly (readonly [Count, string])[] = [
  ['txn_count', 'txnCount'],
  ['debit_total_cents', 'debitTotalCents'],
  ['credit_total_cents', 'creditTotalCents'],
  ['max_debit_cents', 'maxDebitCents'],
  ['repayments_due', 'repaymentsDue'],
  ['repayments_late', 'repaymentsLate'],
  ['max_days_late', 'maxDaysLate'],
];
/** The spend sums, after the scalars in V1/V2 and as the v8 format's spendCents array. */
const SPENDS: readonly Count[] = [
  'spend_food_cents',
  'spend_shopping_cents',
  'spend_transport_cents',
  'spend_housing_cents',
  'spend_health_cents',
  'spend_entertainment_cents',
  'spend_other_cents',
];
const LAYOUT: readonly Count[] = [...SCALARS.map(([field]) => field), ...SPENDS];
const V1_FIXED_BYTES = 1 + 2 + LAYOUT.length * 8;

function aggregateOf(tenantId: string, values: readonly number[]): FeatureAggregate {
  const agg = emptyAggregate();
  agg.tenant_id = tenantId;
  LAYOUT.forEach((field, i) => (agg[field] = values[i]));
  return agg;
}

/** Whether the first byte of a changelog value names one of these formats. */
export function isLegacyFormat(tag: number): boolean {
  return tag === FORMAT_V2 || tag === FORMAT_V1 || tag === V8_VERSION_TAG;
}

export function readLegacyAggregate(bytes: Buffer): FeatureAggregate {
  if (bytes[0] === FORMAT_V2) return readV2(bytes);
  if (bytes[0] === V8_VERSION_TAG) return readV8(bytes);
  if (bytes[0] !== FORMAT_V1 || bytes.length < V1_FIXED_BYTES)
    throw new SerdeDecodeError(`feature aggregate in an unknown format (first byte ${bytes[0]}, ${bytes.length} bytes)`);
  const tenantBytes = bytes.readUInt16LE(1);
  const values = LAYOUT.map((_, i) => bytes.readDoubleLE(3 + i * 8));
  return aggregateOf(bytes.toString('utf8', V1_FIXED_BYTES, V1_FIXED_BYTES + tenantBytes), values);
}

function readV2(bytes: Buffer): FeatureAggregate {
  let o = 1;
  const varint = (): number => {
    let v = 0;
    let scale = 1;
    for (;;) {
      if (o >= bytes.length || scale > 2 ** 49)
        throw new SerdeDecodeError(`feature aggregate (format 2) truncated or damaged at byte ${o} of ${bytes.length}`);
      const byte = bytes[o++];
      v += (byte & 0x7f) * scale;
      if (byte < 0x80) return v;
      scale *= 0x80;
    }
  };
  const tenantBytes = varint();
  const values = LAYOUT.map(varint);
  if (o + tenantBytes !== bytes.length)
    throw new SerdeDecodeError(`feature aggregate (format 2) holds ${bytes.length} bytes, its fields ${o + tenantBytes}`);
  return aggregateOf(bytes.toString('utf8', o, o + tenantBytes), values);
}

function readV8(bytes: Buffer): FeatureAggregate {
  const old = deserialize(bytes) as Record<string, unknown> & { tenantId: string; spendCents: number[] };
  const values = [...SCALARS.map(([, v8Name]) => old[v8Name] as number), ...old.spendCents];
  return aggregateOf(old.tenantId, values);
}
