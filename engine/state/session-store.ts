// The state of a session window aggregation: per key, its open sessions (start, end, aggregate),
// ascending by start. A key-value store of lists: one changelog entry per key touched since the
// last commit (all its sessions).
import { v8Serde, type Serde } from '../serdes/serde.ts';
import { KeyValueStore } from './key-value-store.ts';
import type { StoreSpec } from './state-store.ts';

export interface Session<A> {
  start: number;
  /** Time of the session's last record. */
  end: number;
  agg: A;
}

function sessionListSerde<A>(serde: Serde<A>): Serde<Session<A>[]> {
  const list = v8Serde<{ start: number; end: number; agg: Buffer | null }[]>();
  return {
    serialize: (sessions) => list.serialize(sessions.map((s) => ({ start: s.start, end: s.end, agg: serde.serialize(s.agg) }))),
    deserialize: (bytes) => list.deserialize(bytes).map((s) => ({ start: s.start, end: s.end, agg: serde.deserialize(s.agg) })),
  };
}

export class SessionStore<A> extends KeyValueStore<Session<A>[]> {
  constructor(name: string, serde: Serde<A> = v8Serde<A>()) {
    super(name, sessionListSerde(serde));
  }

  sessions(key: string): Session<A>[] | undefined {
    return this.get(key);
  }

  /** Replaces the sessions of a key (empty list deletes it). */
  set(key: string, sessions: Session<A>[]): void {
    if (sessions.length === 0) this.delete(key);
    else this.put(key, sessions);
  }
}

export function sessionStore<A>(name: string, serde?: Serde<A>): StoreSpec {
  return { name, create: () => new SessionStore<A>(name, serde) };
}
