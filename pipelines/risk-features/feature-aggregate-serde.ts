// The changelog format of a day slice's FeatureAggregate: a binary layout instead of v8 structured
// clone, which showed up at ~10% of the engine's time in the runtime benchmark (every touched slice
// is written at each commit).
//
// FORMAT_V2 (written): the tenant, then the 14 counts and sums as unsigned varints. A day slice
// holds small numbers (a few transactions, most categories 0): ~30 bytes instead of V1's 125, and
// slice values were ~45% of the bytes a Kafka stream thread produced (socket writes, the broker's
// log, the local state copy). FORMAT_V1 (float64 fields) is still read, and still written for an
// aggregate holding a value no varint can (negative, fractional or beyond 2^53).
import { deserialize } from 'node:v8';
import { SerdeDecodeError, V8_VERSION_TAG, type Serde } from '../../engine/index.ts';
import { SPEND_FIELDS, type FeatureAggregate } from './window-aggregate.ts';

/** First byte of this layout. v8's format starts with 0xFF, so older changelog entries still read. */
const FORMAT_V1 = 0x01;
const FORMAT_V2 = 0x02;
const SCALARS = 7;
const CATEGORIES = SPEND_FIELDS.length;
const FIXED_BYTES = 1 + 2 + (SCALARS + CATEGORIES) * 8;

/** The counts and sums in layout order (both formats): scalars, then the spend sums in SPENDING_CATEGORIES order. */
function fieldsOf(agg: FeatureAggregate): number[] {
  return [
    agg.txnCount,
    agg.debitTotalCents,
    agg.creditTotalCents,
    agg.maxDebitCents,
    agg.repaymentsDue,
    agg.repaymentsLate,
    agg.maxDaysLate,
    agg.spendFoodCents,
    agg.spendShoppingCents,
    agg.spendTransportCents,
    agg.spendHousingCents,
    agg.spendHealthCents,
    agg.spendEntertainmentCents,
    agg.spendOtherCents,
  ];
}

/** The aggregate of a tenant and its fields in layout order (the inverse of fieldsOf). */
function aggregateOf(tenantId: string, f: readonly number[]): FeatureAggregate {
  return {
    tenantId,
    txnCount: f[0],
    debitTotalCents: f[1],
    creditTotalCents: f[2],
    maxDebitCents: f[3],
    repaymentsDue: f[4],
    repaymentsLate: f[5],
    maxDaysLate: f[6],
    spendFoodCents: f[7],
    spendShoppingCents: f[8],
    spendTransportCents: f[9],
    spendHousingCents: f[10],
    spendHealthCents: f[11],
    spendEntertainmentCents: f[12],
    spendOtherCents: f[13],
  };
}

/** Room for the tag, a tenant length and 14 varints of at most 8 bytes each (2^53 needs 8). */
const V2_SCRATCH = Buffer.allocUnsafe(1 + 5 + 14 * 8);

/**
 * Writes v as an unsigned varint at o and returns the offset after it; -1, writing nothing, when v
 * is no whole number from 0 to 2^53 - 1 or o is already -1.
 */
function writeVarint(buf: Buffer, o: number, v: number): number {
  if (o < 0 || !Number.isSafeInteger(v) || v < 0) return -1;
  if (v < 0x80000000) {
    while (v >= 0x80) {
      buf[o++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
  } else {
    // Beyond 31 bits: arithmetic, since bitwise operators would wrap.
    while (v >= 0x80) {
      buf[o++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
  }
  buf[o++] = v;
  return o;
}

/**
 * The fields are written one by one, not through fieldsOf: every slice touched since the last
 * commit is serialised, and the array per slice was a tenth of what a Kafka stream thread allocated
 * in commits. `header` bytes are left free at the start (serializeAfter). Undefined when a field
 * does not fit a varint (writeVarint answers -1 from then on).
 */
function serializeV2(agg: FeatureAggregate, header: number): Buffer | undefined {
  const tenantBytes = Buffer.byteLength(agg.tenantId, 'utf8');
  const b = V2_SCRATCH;
  b[0] = FORMAT_V2;
  let o = writeVarint(b, 1, tenantBytes);
  o = writeVarint(b, o, agg.txnCount);
  o = writeVarint(b, o, agg.debitTotalCents);
  o = writeVarint(b, o, agg.creditTotalCents);
  o = writeVarint(b, o, agg.maxDebitCents);
  o = writeVarint(b, o, agg.repaymentsDue);
  o = writeVarint(b, o, agg.repaymentsLate);
  o = writeVarint(b, o, agg.maxDaysLate);
  o = writeVarint(b, o, agg.spendFoodCents);
  o = writeVarint(b, o, agg.spendShoppingCents);
  o = writeVarint(b, o, agg.spendTransportCents);
  o = writeVarint(b, o, agg.spendHousingCents);
  o = writeVarint(b, o, agg.spendHealthCents);
  o = writeVarint(b, o, agg.spendEntertainmentCents);
  o = writeVarint(b, o, agg.spendOtherCents);
  if (o < 0) return undefined;
  const out = Buffer.allocUnsafe(header + o + tenantBytes);
  b.copy(out, header, 0, o);
  out.write(agg.tenantId, header + o, 'utf8');
  return out;
}

class V2Reader {
  o = 1;
  constructor(private readonly bytes: Buffer) {}

  varint(): number {
    const b = this.bytes;
    let v = 0;
    let scale = 1;
    for (;;) {
      if (this.o >= b.length || scale > 2 ** 49) throw new SerdeDecodeError(`feature aggregate (format 2) truncated or damaged at byte ${this.o} of ${b.length}`);
      const byte = b[this.o++];
      v += (byte & 0x7f) * scale;
      if (byte < 0x80) return v;
      scale *= 0x80;
    }
  }
}

function deserializeV2(bytes: Buffer): FeatureAggregate {
  const r = new V2Reader(bytes);
  const tenantBytes = r.varint();
  const f = Array.from({ length: SCALARS + CATEGORIES }, () => r.varint());
  if (r.o + tenantBytes !== bytes.length) throw new SerdeDecodeError(`feature aggregate (format 2) holds ${bytes.length} bytes, its fields ${r.o + tenantBytes}`);
  return aggregateOf(bytes.toString('utf8', r.o, r.o + tenantBytes), f);
}

export const featureAggregateSerde: Serde<FeatureAggregate> = {
  serialize(agg) {
    return serializeV2(agg, 0) ?? serializeV1(agg);
  },
  serializeAfter(agg, header) {
    const v2 = serializeV2(agg, header);
    if (v2 !== undefined) return v2;
    const v1 = serializeV1(agg);
    const out = Buffer.allocUnsafe(header + v1.length);
    v1.copy(out, header);
    return out;
  },
  deserialize(bytes) {
    if (bytes === null || bytes.length === 0) throw new SerdeDecodeError('empty feature aggregate');
    if (bytes[0] === FORMAT_V2) return deserializeV2(bytes);
    if (bytes[0] === V8_VERSION_TAG) return fromV8Layout(deserialize(bytes) as V8FeatureAggregate);
    if (bytes[0] !== FORMAT_V1 || bytes.length < FIXED_BYTES) throw new SerdeDecodeError(`feature aggregate in an unknown format (first byte ${bytes[0]}, ${bytes.length} bytes)`);
    return deserializeV1(bytes);
  },
};

export function serializeV1(agg: FeatureAggregate): Buffer {
  const tenantBytes = Buffer.byteLength(agg.tenantId, 'utf8');
  const buf = Buffer.allocUnsafe(FIXED_BYTES + tenantBytes);
  buf[0] = FORMAT_V1;
  buf.writeUInt16LE(tenantBytes, 1);
  const fields = fieldsOf(agg);
  for (let i = 0; i < fields.length; i++) buf.writeDoubleLE(fields[i], 3 + i * 8);
  buf.write(agg.tenantId, FIXED_BYTES, 'utf8');
  return buf;
}

function deserializeV1(bytes: Buffer): FeatureAggregate {
  const tenantBytes = bytes.readUInt16LE(1);
  const fields = Array.from({ length: SCALARS + CATEGORIES }, (_, i) => bytes.readDoubleLE(3 + i * 8));
  return aggregateOf(bytes.toString('utf8', FIXED_BYTES, FIXED_BYTES + tenantBytes), fields);
}

/** The aggregate as the first releases wrote it (v8 structured clone), spend sums in an array. */
type V8FeatureAggregate = Omit<FeatureAggregate, (typeof SPEND_FIELDS)[number]> & { spendCents: number[] };

function fromV8Layout(old: V8FeatureAggregate): FeatureAggregate {
  const { spendCents, ...scalars } = old;
  const [spendFoodCents, spendShoppingCents, spendTransportCents, spendHousingCents, spendHealthCents, spendEntertainmentCents, spendOtherCents] = spendCents;
  return { ...scalars, spendFoodCents, spendShoppingCents, spendTransportCents, spendHousingCents, spendHealthCents, spendEntertainmentCents, spendOtherCents };
}
