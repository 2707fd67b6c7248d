// One column of a Native block per Avro field kind: the ClickHouse type it is declared as, and how a
// column of decoded Avro values (times as epoch ms) is laid out. Every value is exact by construction:
// times are Int64 epoch milliseconds, as DateTime64(3) stores them, doubles their IEEE bytes, strings
// their UTF-8 bytes; there is no text form and nothing to escape. Values of the wrong type are refused
// with the field named, rather than stored as something else.
import type { FieldModel } from '../avro-fields.ts';
import type { NativeBuffer } from './native-buffer.ts';

export class NativeEncodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NativeEncodeError';
  }
}

export interface ColumnCodec {
  /** The ClickHouse type named in the block header. */
  readonly type: string;
  /** What a Nullable column stores under a null (its null map says the value is absent). */
  readonly placeholder: unknown;
  /** Writes one column's values; `path` names the field in errors. */
  write(out: NativeBuffer, values: readonly unknown[], path: string): void;
}

export function mismatch(path: string, index: number, expected: string, value: unknown): NativeEncodeError {
  const shown = value === undefined ? 'undefined' : typeof value === 'bigint' ? `${value}n` : JSON.stringify(value);
  const got = shown.length > 80 ? `${shown.slice(0, 80)}…` : shown;
  return new NativeEncodeError(`field ${path}, value #${index}: expected ${expected}, got ${got}`);
}

const stringCodec: ColumnCodec = {
  type: 'String',
  placeholder: '',
  write(out, values, path) {
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (typeof v !== 'string') throw mismatch(path, i, 'a string', v);
      out.string(v);
    }
  },
};

const int32Codec: ColumnCodec = {
  type: 'Int32',
  placeholder: 0,
  write(out, values, path) {
    out.reserve(4 * values.length);
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (typeof v !== 'number' || (v | 0) !== v) throw mismatch(path, i, 'a 32-bit integer', v);
      out.int32(v);
    }
  },
};

/** Avro longs arrive as JS numbers; only safe integers are exact, so anything else is refused. */
function int64Codec(type: string, expected: string): ColumnCodec {
  return {
    type,
    placeholder: 0,
    write(out, values, path) {
      out.reserve(8 * values.length);
      for (let i = 0; i < values.length; i++) {
        const v = values[i];
        if (!Number.isSafeInteger(v)) throw mismatch(path, i, expected, v);
        out.int64(v as number);
      }
    },
  };
}

const float64Codec: ColumnCodec = {
  type: 'Float64',
  placeholder: 0,
  write(out, values, path) {
    out.reserve(8 * values.length);
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (typeof v !== 'number') throw mismatch(path, i, 'a number', v);
      out.float64(v);
    }
  },
};

const boolCodec: ColumnCodec = {
  type: 'Bool',
  placeholder: false,
  write(out, values, path) {
    out.reserve(values.length);
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (typeof v !== 'boolean') throw mismatch(path, i, 'a boolean', v);
      out.uint8(v ? 1 : 0);
    }
  },
};

/** Nullable(T): a null map (1 = null), then T's column with a placeholder where the value is null. */
function nullableCodec(inner: ColumnCodec): ColumnCodec {
  return {
    type: `Nullable(${inner.type})`,
    placeholder: null,
    write(out, values, path) {
      out.reserve(values.length);
      const present = new Array<unknown>(values.length);
      for (let i = 0; i < values.length; i++) {
        const v = values[i];
        const isNull = v === null || v === undefined;
        out.uint8(isNull ? 1 : 0);
        present[i] = isNull ? inner.placeholder : v;
      }
      inner.write(out, present, path);
    },
  };
}

/**
 * Array(Tuple(...)) of Avro records: each row's end offset into the flattened items (UInt64), then each
 * tuple element as a column over all items of all rows.
 */
function arrayOfRecordsCodec(items: FieldModel[]): ColumnCodec {
  const elements = items.map((f) => ({ name: f.name, codec: codecOf(f) }));
  return {
    type: `Array(Tuple(${elements.map((e) => `${e.name} ${e.codec.type}`).join(', ')}))`,
    placeholder: [],
    write(out, values, path) {
      out.reserve(8 * values.length);
      const flat: Record<string, unknown>[] = [];
      for (let i = 0; i < values.length; i++) {
        const v = values[i];
        if (!Array.isArray(v)) throw mismatch(path, i, 'an array', v);
        for (const item of v as unknown[]) {
          if (item === null || typeof item !== 'object') throw mismatch(`${path}[]`, flat.length, 'a record', item);
          flat.push(item as Record<string, unknown>);
        }
        out.int64(flat.length);
      }
      for (const e of elements)
        e.codec.write(
          out,
          flat.map((item) => item[e.name]),
          `${path}[].${e.name}`,
        );
    },
  };
}

/** The codec of an Avro field, declared with the Avro-derived ClickHouse type (strings as String). */
export function codecOf(field: FieldModel): ColumnCodec {
  const codec = nonNullCodecOf(field);
  if (!field.nullable) return codec;
  if (field.kind === 'array') throw new NativeEncodeError(`field ${field.name}: ClickHouse has no Nullable(Array(...))`);
  return nullableCodec(codec);
}

function nonNullCodecOf(field: FieldModel): ColumnCodec {
  switch (field.kind) {
    case 'string':
    case 'enum':
      return stringCodec;
    case 'int':
      return int32Codec;
    case 'long':
      return int64Codec('Int64', 'a safe integer');
    case 'double':
      return float64Codec;
    case 'boolean':
      return boolCodec;
    case 'timestamp':
      // DateTime64(3) is stored as Int64 milliseconds since the epoch: the Avro value as it is.
      return int64Codec("DateTime64(3, 'UTC')", 'epoch milliseconds (a safe integer)');
    case 'array':
      return arrayOfRecordsCodec(field.items ?? []);
  }
}
