// The changelog format of a day slice's FeatureAggregate: a fixed binary layout instead of v8
// structured clone, which showed up at ~10% of the engine's time in the runtime benchmark (every
// touched slice is written at each commit). Amounts are integer cents below 2^53, so float64 holds
// them exactly.
import { deserialize } from 'node:v8';
import { SPENDING_CATEGORIES } from '../../connectors/categorizer/categories.ts';
import { SerdeDecodeError, type Serde } from '../runtime/serdes/serde.ts';
import type { FeatureAggregate } from './window-aggregate.ts';

/** First byte of this layout. v8's format starts with 0xFF, so older changelog entries still read. */
const FORMAT_V1 = 0x01;
const V8_VERSION_TAG = 0xff;
const SCALARS = 7;
const CATEGORIES = SPENDING_CATEGORIES.length;
const FIXED_BYTES = 1 + 2 + (SCALARS + CATEGORIES) * 8;

export const featureAggregateSerde: Serde<FeatureAggregate> = {
  serialize(agg) {
    const tenantBytes = Buffer.byteLength(agg.tenantId, 'utf8');
    const buf = Buffer.allocUnsafe(FIXED_BYTES + tenantBytes);
    buf[0] = FORMAT_V1;
    buf.writeUInt16LE(tenantBytes, 1);
    let at = 3;
    for (const n of [agg.txnCount, agg.debitTotalCents, agg.creditTotalCents, agg.maxDebitCents, agg.repaymentsDue, agg.repaymentsLate, agg.maxDaysLate]) {
      at = buf.writeDoubleLE(n, at);
    }
    for (let i = 0; i < CATEGORIES; i++) at = buf.writeDoubleLE(agg.spendCents[i], at);
    buf.write(agg.tenantId, at, 'utf8');
    return buf;
  },
  deserialize(bytes) {
    if (bytes === null || bytes.length === 0) throw new SerdeDecodeError('empty feature aggregate');
    if (bytes[0] === V8_VERSION_TAG) return deserialize(bytes) as FeatureAggregate;
    if (bytes[0] !== FORMAT_V1 || bytes.length < FIXED_BYTES) throw new SerdeDecodeError(`feature aggregate in an unknown format (first byte ${bytes[0]}, ${bytes.length} bytes)`);
    const tenantBytes = bytes.readUInt16LE(1);
    const n = (i: number) => bytes.readDoubleLE(3 + i * 8);
    const spendCents: number[] = [];
    for (let i = 0; i < CATEGORIES; i++) spendCents.push(n(SCALARS + i));
    return {
      tenantId: bytes.toString('utf8', FIXED_BYTES, FIXED_BYTES + tenantBytes),
      txnCount: n(0),
      debitTotalCents: n(1),
      creditTotalCents: n(2),
      maxDebitCents: n(3),
      spendCents,
      repaymentsDue: n(4),
      repaymentsLate: n(5),
      maxDaysLate: n(6),
    };
  },
};
