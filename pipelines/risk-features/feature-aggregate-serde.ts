// The changelog format of a day slice's FeatureAggregate: the Avro binary of FEATURE_AGGREGATE_SCHEMA
// (avsc compiles its writer and reader from the schema), behind a tag byte and the first 4 bytes of
// the schema's fingerprint. Avro bodies carry no field names, so a body written under another
// aggregate schema would read as wrong numbers: the fingerprint turns that into an error that says
// how to rebuild the state. Every touched slice is written at each commit, so values are small
// (longs are zig-zag varints: a typical day slice is ~26 bytes, prefix included) and written through one reused buffer.
import type avro from 'avsc';
import { SerdeDecodeError, type Serde } from '../../engine/index.ts';
import { SerdeError } from '../../schemas/serde.ts';
import { FEATURE_AGGREGATE_TYPE, type FeatureAggregate } from './feature-aggregate.ts';
import { isLegacyFormat, readLegacyAggregate } from './legacy-aggregate-formats.ts';

export const FORMAT_AVRO = 0x03;
/** The tag and the fingerprint. */
export const PREFIX_BYTES = 5;
export const SCHEMA_FINGERPRINT = FEATURE_AGGREGATE_TYPE.fingerprint().readUInt32BE(0);

const REPLAY_HINT = 'run `riskstream replay risk-features --from earliest` to rebuild the state';

let scratch = prefixed(Buffer.allocUnsafe(256));

function prefixed(buf: Buffer): Buffer {
  buf[0] = FORMAT_AVRO;
  buf.writeUInt32BE(SCHEMA_FINGERPRINT, 1);
  return buf;
}

/** The body's end in scratch, which grows for an aggregate that does not fit (a long tenant). */
function encodeInScratch(agg: FeatureAggregate): number {
  for (;;) {
    let end: number;
    try {
      end = FEATURE_AGGREGATE_TYPE.encode(agg, scratch, PREFIX_BYTES);
    } catch {
      throw invalidAggregate(agg);
    }
    if (end >= 0) return end;
    // A negative end is how many bytes were missing.
    scratch = prefixed(Buffer.allocUnsafe(2 * (scratch.length - end)));
  }
}

/** Names the first field avsc refuses (a long must be a whole number within ±(2^53 - 2)). */
function invalidAggregate(agg: FeatureAggregate): SerdeError {
  let firstError: string | undefined;
  FEATURE_AGGREGATE_TYPE.isValid(agg, {
    errorHook: (path: string[], value: unknown, type: avro.Type) => {
      firstError ??= `field ${path.join('.')} holds ${String(value)}, not a ${type.typeName === 'long' ? 'long (a whole number within ±(2^53 - 2))' : type.typeName}`;
    },
  });
  return new SerdeError(
    `feature aggregate of tenant '${String(agg.tenant_id)}' cannot be written: ${firstError ?? 'it is not a FeatureAggregate'}`,
  );
}

/** The value behind `header` free bytes (the slice store's framing): one allocation, one copy. */
function serializeAfter(agg: FeatureAggregate, header: number): Buffer {
  const end = encodeInScratch(agg);
  const out = Buffer.allocUnsafe(header + end);
  scratch.copy(out, header, 0, end);
  return out;
}

export const featureAggregateSerde: Serde<FeatureAggregate> = {
  serialize: (agg) => serializeAfter(agg, 0),
  serializeAfter,
  deserialize(bytes) {
    if (bytes === null || bytes.length === 0) throw new SerdeDecodeError('empty feature aggregate');
    if (bytes[0] !== FORMAT_AVRO) {
      if (isLegacyFormat(bytes[0])) return readLegacyAggregate(bytes);
      throw new SerdeDecodeError(`feature aggregate in an unknown format (first byte ${bytes[0]}, ${bytes.length} bytes)`);
    }
    if (bytes.length < PREFIX_BYTES) throw new SerdeDecodeError(`feature aggregate truncated: ${bytes.length} bytes`);
    const fingerprint = bytes.readUInt32BE(1);
    if (fingerprint !== SCHEMA_FINGERPRINT) {
      throw new SerdeDecodeError(
        `feature aggregate written under another aggregate schema (fingerprint ${hex(fingerprint)}, this version's is ${hex(SCHEMA_FINGERPRINT)}): ${REPLAY_HINT}`,
      );
    }
    const { value, offset } = FEATURE_AGGREGATE_TYPE.decode(bytes, PREFIX_BYTES);
    if (offset !== bytes.length) {
      throw new SerdeDecodeError(
        offset < 0
          ? `feature aggregate truncated: ${bytes.length} bytes`
          : `feature aggregate holds ${bytes.length} bytes, its fields ${offset}`,
      );
    }
    return value as FeatureAggregate;
  },
};

function hex(n: number): string {
  return n.toString(16).padStart(8, '0');
}
