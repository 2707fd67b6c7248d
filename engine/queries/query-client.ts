// The caller's side of interactive queries: finds every process advertising a query endpoint in a
// directory, asks each, and merges. Ownership is asked at query time (GET /metadata, or the
// partitions each answer says it covered) rather than read from files written at assignment time,
// so a rebalance between two queries never leaves the caller with a stale map.
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { isProcessAlive } from '../processes/is-process-alive.ts';
import { partitionOfKey, type QueryAnswer } from './query-router.ts';
import type { ProcessMetadata, QueryEndpoint } from './query-server.ts';
import { isKeyQuery, mergeByKey, StoreQueryError, type QueryMerge, type QueryRow, type StoreQuery } from './store-query.ts';

/** Endpoints advertised under `dir` by live processes (files of dead ones are removed). */
export function advertisedEndpoints(dir: string): QueryEndpoint[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => /^\d+-\d+\.json$/.test(n));
  } catch {
    return [];
  }
  const out: QueryEndpoint[] = [];
  for (const n of names) {
    try {
      const ep = JSON.parse(readFileSync(join(dir, n), 'utf8')) as QueryEndpoint;
      if (isProcessAlive(ep.pid)) out.push(ep);
      else rmSync(join(dir, n), { force: true });
    } catch {
      // Being written or removed right now.
    }
  }
  return out;
}

/** undefined for a connection failure (the process is gone); anything else is rethrown. */
function unreachable(err: unknown): undefined {
  if (err instanceof TypeError && /fetch failed/.test(err.message)) return undefined;
  throw err;
}

async function call<T>(ep: QueryEndpoint, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${ep.url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${ep.token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const parsed = (await res.json()) as T & { name?: string; message?: string };
  if (res.ok) return parsed;
  if (parsed.name === 'StoreQueryError') throw new StoreQueryError(parsed.message ?? 'query failed');
  throw new Error(`query endpoint ${ep.url} (pid ${ep.pid}) answered ${res.status}: ${parsed.message ?? ''}`);
}

export function queryEndpoint(ep: QueryEndpoint, store: string, q: StoreQuery): Promise<QueryAnswer> {
  return call<QueryAnswer>(ep, '/query', { store, query: q });
}

export function endpointMetadata(ep: QueryEndpoint): Promise<ProcessMetadata> {
  return call<ProcessMetadata>(ep, '/metadata');
}

/** Kafka Streams' KeyQueryMetadata: which partition holds a key, and which endpoint owns it now. */
export interface KeyQueryMetadata {
  partition: number;
  /** undefined while no running process owns the partition (e.g. mid-rebalance). */
  endpoint: QueryEndpoint | undefined;
}

export async function queryMetadataForKey(endpoints: QueryEndpoint[], store: string, key: string): Promise<KeyQueryMetadata | undefined> {
  const metas = await Promise.all(endpoints.map(async (ep) => ({ ep, meta: await endpointMetadata(ep) })));
  let partition: number | undefined;
  for (const { ep, meta } of metas) {
    const s = meta.stores.find((m) => m.store === store);
    if (s?.partitionCount === undefined) continue;
    partition = partitionOfKey(key, s.partitionCount);
    if (s.partitions.includes(partition)) return { partition, endpoint: ep };
  }
  return partition === undefined ? undefined : { partition, endpoint: undefined };
}

/** The merged answer of every endpoint, and the partitions they covered together. */
export interface FannedOutAnswer {
  rows: QueryRow[];
  partitions: number[];
}

/** Asks every endpoint and merges their answers (a get: the owner's). */
export async function queryEndpoints(
  endpoints: QueryEndpoint[],
  store: string,
  q: StoreQuery,
  merge: QueryMerge = mergeByKey,
): Promise<FannedOutAnswer> {
  // A process that exits between the listing and the call is skipped: its partitions move to the
  // others (the answer's partitions show what was covered).
  const settled = await Promise.all(endpoints.map((ep) => queryEndpoint(ep, store, q).catch((err: unknown) => unreachable(err))));
  const answers = settled.filter((a): a is QueryAnswer => a !== undefined);
  // A partition answered twice (a rebalance moved it between two calls): keep one answer.
  const seen = new Set<number>();
  const parts: QueryRow[][] = [];
  for (const a of answers) {
    if (a.partitions.some((p) => seen.has(p)) && !isKeyQuery(q)) continue;
    for (const p of a.partitions) seen.add(p);
    parts.push(a.rows);
  }
  return { rows: merge(q, parts), partitions: [...seen].sort((a, b) => a - b) };
}
