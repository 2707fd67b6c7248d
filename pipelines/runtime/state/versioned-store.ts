// A versioned key-value store: the history of every key, so a lookup can ask "what was the value at
// time t" (event-time correct stream-table joins). get(key, asOf) = the latest version with
// timestamp <= asOf; between equal timestamps the one that arrived last.
import { v8Serde, type Serde } from '../serdes/serde.ts';
import type { ChangelogEntry, StateStore, StoreSpec } from './state-store.ts';

interface History<V> {
  /** Ascending; equal timestamps in arrival order. */
  times: number[];
  values: V[];
}

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
  private readonly historySerde = v8Serde<{ times: number[]; values: Buffer[] }>();
  private readonly serde: Serde<V>;
  private readonly retentionMs: number;

  constructor(readonly name: string, options: VersionedStoreOptions<V> = {}) {
    this.serde = options.serde ?? v8Serde<V>();
    this.retentionMs = options.historyRetentionMs ?? Infinity;
  }

  /** Adds a version. streamTime drives history retention. */
  put(key: string, value: V, timestamp: number, streamTime = -Infinity): void {
    let h = this.data.get(key);
    if (!h) {
      h = { times: [], values: [] };
      this.data.set(key, h);
    }
    let i = h.times.length;
    while (i > 0 && h.times[i - 1] > timestamp) i--; // after every version with time <= timestamp
    h.times.splice(i, 0, timestamp);
    h.values.splice(i, 0, value);
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
    return lo === 0 ? undefined : h.values[lo - 1];
  }

  /** Every version of a key, oldest first (tests and tools). */
  history(key: string): { timestamp: number; value: V }[] {
    const h = this.data.get(key);
    return h ? h.times.map((t, i) => ({ timestamp: t, value: h.values[i] })) : [];
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
    const raw = this.historySerde.deserialize(value);
    this.data.set(k, { times: raw.times, values: raw.values.map((b) => this.serde.deserialize(b)) });
  }

  *dump(): Iterable<ChangelogEntry> {
    for (const [k, h] of this.data) yield { key: Buffer.from(k, 'utf8'), value: this.encode(h) };
  }

  private encode(h: History<V>): Buffer {
    return this.historySerde.serialize({ times: h.times, values: h.values.map((v) => this.serde.serialize(v) as Buffer) }) as Buffer;
  }
}

export function versionedStore<V>(name: string, options?: VersionedStoreOptions<V>): StoreSpec {
  return { name, create: () => new VersionedStore<V>(name, options) };
}
