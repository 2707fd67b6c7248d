// The state of a session window aggregation: per key, its open sessions (start, end, aggregate),
// ascending by start. One changelog entry per key touched since the last commit (all its sessions).
import { v8Serde, type Serde } from '../serdes/serde.ts';
import type { ChangelogEntry, StateStore, StoreSpec } from './state-store.ts';

export interface Session<A> {
  start: number;
  /** Time of the session's last record. */
  end: number;
  agg: A;
}

export class SessionStore<A> implements StateStore {
  private readonly data = new Map<string, Session<A>[]>();
  private readonly dirty = new Set<string>();
  private readonly listSerde = v8Serde<{ start: number; end: number; agg: Buffer }[]>();

  constructor(readonly name: string, private readonly serde: Serde<A> = v8Serde<A>()) {}

  sessions(key: string): Session<A>[] | undefined {
    return this.data.get(key);
  }

  keys(): IterableIterator<string> {
    return this.data.keys();
  }

  /** Replaces the sessions of a key (empty list deletes it). */
  set(key: string, sessions: Session<A>[]): void {
    if (sessions.length === 0) this.data.delete(key);
    else this.data.set(key, sessions);
    this.dirty.add(key);
  }

  size(): number {
    return this.data.size;
  }

  takeChanges(): ChangelogEntry[] {
    const out: ChangelogEntry[] = [];
    for (const key of this.dirty) {
      const list = this.data.get(key);
      out.push({ key: Buffer.from(key, 'utf8'), value: list ? this.encode(list) : null });
    }
    this.dirty.clear();
    return out;
  }

  restore(key: Buffer, value: Buffer | null): void {
    const k = key.toString('utf8');
    if (value === null) this.data.delete(k);
    else this.data.set(k, this.listSerde.deserialize(value).map((s) => ({ start: s.start, end: s.end, agg: this.serde.deserialize(s.agg) })));
  }

  *dump(): Iterable<ChangelogEntry> {
    for (const [k, list] of this.data) yield { key: Buffer.from(k, 'utf8'), value: this.encode(list) };
  }

  private encode(list: Session<A>[]): Buffer {
    return this.listSerde.serialize(list.map((s) => ({ start: s.start, end: s.end, agg: this.serde.serialize(s.agg) as Buffer }))) as Buffer;
  }
}

export function sessionStore<A>(name: string, serde?: Serde<A>): StoreSpec {
  return { name, create: () => new SessionStore<A>(name, serde) };
}
