// A versioned key-value store: the history of every key, so a lookup can ask "what was the value at
// time t" (event-time correct stream-table joins). get(key, asOf) = the latest version with
// timestamp <= asOf; between equal timestamps the one that arrived last.
//
// Changelog value of a key: its whole (retained) history, in a binary layout (little endian):
//   u8 0x01 | u32 count | count x f64 timestamp | count x (i32 length (-1 = null) | value bytes)
// Histories written by earlier versions (v8 structured clone, first byte 0xFF) still restore.
import { deserialize } from 'node:v8';
import { SerdeDecodeError, V8_VERSION_TAG, v8Serde, type Serde } from '../serdes/serde.ts';
import type { ChangelogEntry, StateStore, StoreSpec } from './state-store.ts';

/** A restored version whose bytes are not decoded yet (see restore and afterRestore). */
const UNDECODED: unique symbol = Symbol('undecoded');

interface History<V> {
  /** Ascending; equal timestamps in arrival order. */
  times: number[];
  values: (V | typeof UNDECODED)[];
  /**
   * Serialised values, kept from the first changelog write: a key's history is rewritten whenever
   * one version is added, and re-serialising the older ones (v8 by default) cost ~5 µs each.
   */
  bytes: (Buffer | null | undefined)[];
}

const HISTORY_FORMAT_V1 = 0x01;

export interface VersionedStoreOptions<V> {
  serde?: Serde<V>;
  /**
   * How far behind stream time lookups may ask. Versions superseded before (streamTime - retention)
   * are dropped; the one in force at that instant is kept. Default: keep all history.
   */
  historyRetentionMs?: number;
}

export class VersionedStore<V> implements StateStore {
  private readonly data = new Map<string, History<V>>();
  private readonly dirty = new Set<string>();
  private readonly serde: Serde<V>;
  private readonly retentionMs: number;

  constructor(
    readonly name: string,
    options: VersionedStoreOptions<V> = {},
  ) {
    this.serde = options.serde ?? v8Serde<V>();
    this.retentionMs = options.historyRetentionMs ?? Infinity;
  }

  /** Adds a version. streamTime drives history retention. */
  put(key: string, value: V, timestamp: number, streamTime = -Infinity): void {
    let h = this.data.get(key);
    if (!h) {
      h = { times: [], values: [], bytes: [] };
      this.data.set(key, h);
    }
    let i = h.times.length;
    while (i > 0 && h.times[i - 1] > timestamp) i--; // after every version with time <= timestamp
    h.times.splice(i, 0, timestamp);
    h.values.splice(i, 0, value);
    h.bytes.splice(i, 0, undefined);
    this.prune(h, streamTime - this.retentionMs);
    this.dirty.add(key);
  }

  /** The latest version with timestamp <= asOf, or undefined. */
  get(key: string, asOf: number): V | undefined {
    const h = this.data.get(key);
    if (!h) return undefined;
    const times = h.times;
    let lo = 0;
    let hi = times.length; // first index with time > asOf
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (times[mid] <= asOf) lo = mid + 1;
      else hi = mid;
    }
    if (lo === 0) return undefined;
    const v = h.values[lo - 1];
    return v !== UNDECODED ? v : this.decode(key, h, lo - 1);
  }

  /** Every version of a key, oldest first (tests and tools). */
  history(key: string): { timestamp: number; value: V }[] {
    const h = this.data.get(key);
    return h ? h.times.map((t, i) => ({ timestamp: t, value: this.decode(key, h, i) })) : [];
  }

  /**
   * Decoding waits for afterRestore: values of an Avro serde may need their writer schema fetched
   * first, which restore(), called entry by entry, cannot wait for.
   */
  async afterRestore(): Promise<void> {
    const loading: Promise<void>[] = [];
    for (const h of this.data.values()) {
      for (let i = 0; i < h.values.length; i++) {
        if (h.values[i] !== UNDECODED) continue;
        const p = this.serde.preload?.(h.bytes[i] ?? null);
        if (p !== undefined) loading.push(p);
      }
    }
    await Promise.all(loading);
    for (const [key, h] of this.data) for (let i = 0; i < h.values.length; i++) this.decode(key, h, i);
  }

  /** Version i of a history, decoded now if restore left it undecoded. */
  private decode(key: string, h: History<V>, i: number): V {
    const v = h.values[i];
    if (v !== UNDECODED) return v;
    try {
      return (h.values[i] = this.serde.deserialize(h.bytes[i] ?? null));
    } catch (err) {
      throw new SerdeDecodeError(
        `versioned history of key "${key}", version at ${h.times[i]}: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  }

  size(): number {
    return this.data.size;
  }

  private prune(h: History<V>, horizon: number): void {
    // Keep the version in force at `horizon` and everything after it.
    let keepFrom = 0;
    while (keepFrom + 1 < h.times.length && h.times[keepFrom + 1] <= horizon) keepFrom++;
    if (keepFrom > 0) {
      h.times.splice(0, keepFrom);
      h.values.splice(0, keepFrom);
      h.bytes.splice(0, keepFrom);
    }
  }

  takeChanges(): ChangelogEntry[] {
    const out: ChangelogEntry[] = [];
    for (const key of this.dirty) {
      const h = this.data.get(key);
      out.push({ key: Buffer.from(key, 'utf8'), value: h ? this.encode(h) : null });
    }
    this.dirty.clear();
    return out;
  }

  restore(key: Buffer, value: Buffer | null): void {
    const k = key.toString('utf8');
    if (value === null) {
      this.data.delete(k);
      return;
    }
    const { times, bytes } = value[0] === V8_VERSION_TAG ? legacyHistory(value) : decodeHistory(value, k);
    this.data.set(k, { times, values: bytes.map(() => UNDECODED), bytes });
  }

  *dump(): Iterable<ChangelogEntry> {
    for (const [k, h] of this.data) yield { key: Buffer.from(k, 'utf8'), value: this.encode(h) };
  }

  private encode(h: History<V>): Buffer {
    const count = h.times.length;
    let size = 5 + count * 12;
    for (let i = 0; i < count; i++) {
      let b = h.bytes[i];
      if (b === undefined) b = h.bytes[i] = this.serde.serialize(h.values[i] as V);
      if (b !== null) size += b.length;
    }
    const out = Buffer.allocUnsafe(size);
    out[0] = HISTORY_FORMAT_V1;
    out.writeUInt32LE(count, 1);
    let at = 5;
    for (let i = 0; i < count; i++) at = out.writeDoubleLE(h.times[i], at);
    for (let i = 0; i < count; i++) {
      const b = h.bytes[i]!;
      at = out.writeInt32LE(b === null ? -1 : b.length, at);
      if (b !== null) at += b.copy(out, at);
    }
    return out;
  }
}

function legacyHistory(value: Buffer): { times: number[]; bytes: (Buffer | null)[] } {
  const { times, values } = deserialize(value) as { times: number[]; values: Buffer[] };
  return { times, bytes: values };
}

function decodeHistory(value: Buffer, key: string): { times: number[]; bytes: (Buffer | null)[] } {
  const bad = (why: string) => new SerdeDecodeError(`versioned history of key "${key}": ${why}`);
  if (value[0] !== HISTORY_FORMAT_V1 || value.length < 5) throw bad(`unknown format (first byte ${value[0]}, ${value.length} bytes)`);
  const count = value.readUInt32LE(1);
  if (value.length < 5 + count * 12) throw bad(`${count} versions do not fit in ${value.length} bytes`);
  const times: number[] = new Array(count);
  const bytes: (Buffer | null)[] = new Array(count);
  let at = 5;
  for (let i = 0; i < count; i++, at += 8) times[i] = value.readDoubleLE(at);
  for (let i = 0; i < count; i++) {
    const length = value.readInt32LE(at);
    at += 4;
    if (length < 0) bytes[i] = null;
    else {
      if (at + length > value.length) throw bad(`version ${i} runs past the end`);
      // A copy: the changelog batch this view points into must not stay pinned by the store.
      bytes[i] = Buffer.from(value.subarray(at, at + length));
      at += length;
    }
  }
  if (at !== value.length) throw bad(`${value.length - at} bytes after the last version`);
  return { times, bytes };
}

export function versionedStore<V>(name: string, options?: VersionedStoreOptions<V>): StoreSpec {
  return { name, create: () => new VersionedStore<V>(name, options) };
}
