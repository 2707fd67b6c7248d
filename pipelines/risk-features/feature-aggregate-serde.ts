// The changelog format of a day slice's FeatureAggregate: a fixed binary layout instead of v8
// structured clone, which showed up at ~10% of the engine's time in the runtime benchmark (every
// touched slice is written at each commit). Amounts are integer cents below 2^53, so float64 holds
// them exactly.
import { deserialize } from 'node:v8';
import { SerdeDecodeError, type Serde } from '../runtime/serdes/serde.ts';
import { SPEND_FIELDS, type FeatureAggregate } from './window-aggregate.ts';

/** First byte of this layout. v8's format starts with 0xFF, so older changelog entries still read. */
const FORMAT_V1 = 0x01;
const V8_VERSION_TAG = 0xff;
const SCALARS = 7;
const CATEGORIES = SPEND_FIELDS.length;
const FIXED_BYTES = 1 + 2 + (SCALARS + CATEGORIES) * 8;

export const featureAggregateSerde: Serde<FeatureAggregate> = {
  serialize(agg) {
    const tenantBytes = Buffer.byteLength(agg.tenantId, 'utf8');
    const buf = Buffer.allocUnsafe(FIXED_BYTES + tenantBytes);
    buf[0] = FORMAT_V1;
    buf.writeUInt16LE(tenantBytes, 1);
    // Scalars, then the spend sums in SPENDING_CATEGORIES order (the layout of FORMAT_V1).
    buf.writeDoubleLE(agg.txnCount, 3);
    buf.writeDoubleLE(agg.debitTotalCents, 11);
    buf.writeDoubleLE(agg.creditTotalCents, 19);
    buf.writeDoubleLE(agg.maxDebitCents, 27);
    buf.writeDoubleLE(agg.repaymentsDue, 35);
    buf.writeDoubleLE(agg.repaymentsLate, 43);
    buf.writeDoubleLE(agg.maxDaysLate, 51);
    buf.writeDoubleLE(agg.spendFoodCents, 59);
    buf.writeDoubleLE(agg.spendShoppingCents, 67);
    buf.writeDoubleLE(agg.spendTransportCents, 75);
    buf.writeDoubleLE(agg.spendHousingCents, 83);
    buf.writeDoubleLE(agg.spendHealthCents, 91);
    buf.writeDoubleLE(agg.spendEntertainmentCents, 99);
    buf.writeDoubleLE(agg.spendOtherCents, 107);
    buf.write(agg.tenantId, FIXED_BYTES, 'utf8');
    return buf;
  },
  deserialize(bytes) {
    if (bytes === null || bytes.length === 0) throw new SerdeDecodeError('empty feature aggregate');
    if (bytes[0] === V8_VERSION_TAG) return fromV8Layout(deserialize(bytes) as V8FeatureAggregate);
    if (bytes[0] !== FORMAT_V1 || bytes.length < FIXED_BYTES) throw new SerdeDecodeError(`feature aggregate in an unknown format (first byte ${bytes[0]}, ${bytes.length} bytes)`);
    const tenantBytes = bytes.readUInt16LE(1);
    return {
      tenantId: bytes.toString('utf8', FIXED_BYTES, FIXED_BYTES + tenantBytes),
      txnCount: bytes.readDoubleLE(3),
      debitTotalCents: bytes.readDoubleLE(11),
      creditTotalCents: bytes.readDoubleLE(19),
      maxDebitCents: bytes.readDoubleLE(27),
      spendFoodCents: bytes.readDoubleLE(59),
      spendShoppingCents: bytes.readDoubleLE(67),
      spendTransportCents: bytes.readDoubleLE(75),
      spendHousingCents: bytes.readDoubleLE(83),
      spendHealthCents: bytes.readDoubleLE(91),
      spendEntertainmentCents: bytes.readDoubleLE(99),
      spendOtherCents: bytes.readDoubleLE(107),
      repaymentsDue: bytes.readDoubleLE(35),
      repaymentsLate: bytes.readDoubleLE(43),
      maxDaysLate: bytes.readDoubleLE(51),
    };
  },
};

/** The aggregate as the first releases wrote it (v8 structured clone), spend sums in an array. */
type V8FeatureAggregate = Omit<FeatureAggregate, (typeof SPEND_FIELDS)[number]> & { spendCents: number[] };

function fromV8Layout(old: V8FeatureAggregate): FeatureAggregate {
  const { spendCents, ...scalars } = old;
  const [spendFoodCents, spendShoppingCents, spendTransportCents, spendHousingCents, spendHealthCents, spendEntertainmentCents, spendOtherCents] = spendCents;
  return { ...scalars, spendFoodCents, spendShoppingCents, spendTransportCents, spendHousingCents, spendHealthCents, spendEntertainmentCents, spendOtherCents };
}
