// What an interactive query asks a store and what it answers (Kafka Streams' IQv2 Query/QueryResult).
// Queries and rows cross threads (structured clone) and processes (JSON): plain data only.

/** The value stored under one key. */
export interface KeyQuery {
  type: 'get';
  key: string;
}

/** Entries with from <= key <= to (either bound open when absent), in key order, at most `limit`. */
export interface RangeQuery {
  type: 'range';
  from?: string;
  to?: string;
  limit?: number;
}

/** A store-specific query, e.g. `{ type: 'top', n: 50 }` on a priority store. */
export interface CustomQuery {
  type: string;
  [param: string]: unknown;
}

export type StoreQuery = KeyQuery | RangeQuery | CustomQuery;

export interface QueryRow {
  key: string;
  value: unknown;
}

/** A store that answers queries from outside the running application. */
export interface QueryableStore {
  /** This task's answer; never changes the store. */
  query(q: StoreQuery): QueryRow[];
}

/**
 * How the answers of several tasks (and processes) combine into one: every store-specific query
 * needs one (a top N takes the N best of each task's N best); get and range merge by key.
 */
export type QueryMerge = (q: StoreQuery, parts: QueryRow[][]) => QueryRow[];

export class StoreQueryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreQueryError';
  }
}

export function isKeyQuery(q: StoreQuery): q is KeyQuery {
  return q.type === 'get' && typeof q.key === 'string';
}

export function isRangeQuery(q: StoreQuery): q is RangeQuery {
  return q.type === 'range';
}

/** Key order of range queries: UTF-16 code units, as JavaScript compares strings. */
export function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** get: the first answer; range and anything else: every row in key order, cut at `limit`. */
export const mergeByKey: QueryMerge = (q, parts) => {
  if (isKeyQuery(q)) return parts.find((p) => p.length > 0)?.slice(0, 1) ?? [];
  const rows = parts.flat().sort((a, b) => compareKeys(a.key, b.key));
  const limit = typeof q.limit === 'number' ? q.limit : Infinity;
  return rows.length > limit ? rows.slice(0, limit) : rows;
};
