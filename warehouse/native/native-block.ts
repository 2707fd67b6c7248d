// Decoded Avro records of a topic → one block of ClickHouse's Native format (the engine's own columnar
// wire format), for `INSERT ... SELECT FROM file(..., Native)`: reading it costs the engine next to
// nothing, unlike a text format it must parse.
//
// A block is: column count, row count, then per column its name, its type name and all its values
// (native-columns.ts). Columns are declared with the Avro-derived type, except string columns the table
// holds as LowCardinality(String), which are sent as such (low-cardinality.ts). Either way the INSERT
// converts to the table's actual column types, so a table altered since the encoder was made still
// gets the right values, only a little slower.
import type { TopicName } from '../../schemas/types.ts';
import { fieldsOfTopic, type FieldModel } from '../avro-fields.ts';
import { lowCardinalityStringCodec } from './low-cardinality.ts';
import { NativeBuffer } from './native-buffer.ts';
import { codecOf, type ColumnCodec } from './native-columns.ts';

export interface NativeBlockEncoder {
  /** The columns of the block, in order: the topic's Avro fields. */
  readonly columns: readonly string[];
  /** Records → one Native block holding all of them. */
  encode(records: readonly object[]): Buffer;
}

/**
 * Reads every record once, copying its fields into one array per column. Generated per topic because
 * V8 reads `record["event_id"]` written out several times faster than `record[name]` in a loop over
 * the names (one inline cache per field instead of one shared by all); the keys are the Avro field
 * names, JSON-quoted into the source.
 */
function columnReaderOf(names: readonly string[]): (records: readonly object[]) => unknown[][] {
  const source = [
    'const n = records.length;',
    ...names.map((_, j) => `const c${j} = new Array(n);`),
    'for (let i = 0; i < n; i++) {',
    '  const r = records[i];',
    ...names.map((name, j) => `  c${j}[i] = r[${JSON.stringify(name)}];`),
    '}',
    `return [${names.map((_, j) => `c${j}`).join(', ')}];`,
  ].join('\n');
  return new Function('records', source) as (records: readonly object[]) => unknown[][];
}

function columnCodecOf(field: FieldModel, lowCardinality: ReadonlySet<string>): ColumnCodec {
  const isPlainString = (field.kind === 'string' || field.kind === 'enum') && !field.nullable;
  return isPlainString && lowCardinality.has(field.name) ? lowCardinalityStringCodec : codecOf(field);
}

function encoderOf(fields: FieldModel[], lowCardinality: ReadonlySet<string>): NativeBlockEncoder {
  const columns = fields.map((f) => ({ name: f.name, codec: columnCodecOf(f, lowCardinality) }));
  const readColumns = columnReaderOf(columns.map((c) => c.name));
  return {
    columns: columns.map((c) => c.name),
    encode(records) {
      const values = readColumns(records);
      // ~100 bytes a row is typical; the buffer grows if not
      const out = new NativeBuffer(Math.max(1 << 16, records.length * 128));
      out.varUInt(columns.length);
      out.varUInt(records.length);
      for (let j = 0; j < columns.length; j++) {
        const { name, codec } = columns[j];
        out.string(name);
        out.string(codec.type);
        codec.write(out, values[j], name);
      }
      return out.bytes();
    },
  };
}

const encoders = new Map<string, NativeBlockEncoder>();

/**
 * The Native block encoder of a topic's records, derived from its Avro schema; `lowCardinality` names
 * the columns the table holds as LowCardinality(String).
 */
export function nativeBlockEncoderOf(topic: TopicName, lowCardinality: ReadonlySet<string> = new Set()): NativeBlockEncoder {
  const key = `${topic}\0${[...lowCardinality].sort().join(',')}`;
  let encoder = encoders.get(key);
  if (!encoder) {
    encoder = encoderOf(fieldsOfTopic(topic), lowCardinality);
    encoders.set(key, encoder);
  }
  return encoder;
}
