// How the engine turns keys and values into bytes and back. Internal topics (changelogs,
// repartition) use v8 structured clone, which is fast, lossless for plain data and needs no schema;
// a topic with a schema brings its own Serde (the project's Avro serdes live in schemas/).
import { deserialize, serialize } from 'node:v8';

export interface Serde<T> {
  serialize(value: T): Buffer | null;
  /**
   * Throws on bytes that are not a valid T; the task sends such records to the DLQ. `bytes` may
   * be a view into a larger read buffer (both backends hand out views): a T that keeps a Buffer
   * (e.g. in a state store) should keep a copy, or it pins the whole read buffer.
   */
  deserialize(bytes: Buffer | null): T;
  /**
   * serialize(value) behind `headerBytes` bytes left for the caller (a store's framing), in one
   * buffer: without it the caller allocates again and copies the value behind its header.
   */
  serializeAfter?(value: T, headerBytes: number): Buffer;
  /** Async set-up run once before the application starts (e.g. registering an Avro schema). */
  prepare?(): Promise<void>;
  /**
   * Async work deserialize(bytes) needs first (e.g. fetching an Avro writer schema the application
   * has not seen), or undefined when there is none. Source serdes are asked for every polled record.
   */
  preload?(bytes: Buffer | null): Promise<void> | undefined;
}

export class SerdeDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SerdeDecodeError';
  }
}

/** UTF-8 strings; null stays null. */
export const stringSerde: Serde<string> = {
  serialize: (v) => (v === null || v === undefined ? null : Buffer.from(v, 'utf8')),
  deserialize: (b) => {
    if (b === null) throw new SerdeDecodeError('null key where a string was expected');
    return b.toString('utf8');
  },
};

/** The first byte of everything v8 serialize writes: how stores tell values of v8Serde from their own formats. */
export const V8_VERSION_TAG = 0xff;

/** Any structured-cloneable value via v8 serialize (internal topics and state). */
export function v8Serde<T>(): Serde<T> {
  return {
    serialize: (v) => (v === null || v === undefined ? null : serialize(v)),
    deserialize: (b) => (b === null ? (null as T) : (deserialize(b) as T)),
  };
}

/**
 * A state store's serde that writes with `serde` and still reads the values an earlier release
 * stored with v8Serde: v8's format starts with 0xFF, the Confluent wire format with 0.
 */
export function alsoReadingV8<T>(serde: Serde<T>): Serde<T> {
  return {
    serialize: (v) => serde.serialize(v),
    deserialize: (b) => (b !== null && b[0] === V8_VERSION_TAG ? (deserialize(b) as T) : serde.deserialize(b)),
    prepare: serde.prepare && (() => serde.prepare!()),
    preload: serde.preload && ((b) => (b !== null && b[0] === V8_VERSION_TAG ? undefined : serde.preload!(b))),
  };
}

export function jsonSerde<T>(): Serde<T> {
  return {
    serialize: (v) => (v === null || v === undefined ? null : Buffer.from(JSON.stringify(v), 'utf8')),
    deserialize: (b) => (b === null ? (null as T) : (JSON.parse(b.toString('utf8')) as T)),
  };
}
