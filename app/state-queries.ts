// `riskstream state get|range`: reads a queryable store of the pipelines. While `run` runs, every
// process of the data dir advertises a query endpoint under <dataDir>/queries/ and the query fans
// out to those running the store's pipeline (each answers for the partitions it owns now; a key only
// from its owner) and merges; when none runs, it reads the committed state: the local copies the last run
// checkpointed plus the changelogs past them (only the local copies if the log cannot be opened).
import { join } from 'node:path';
import {
  advertisedEndpoints,
  endpointMetadata,
  openBackend,
  queryCommittedState,
  type Backend,
  queryableSpecs,
  queryEndpoints,
  queryLocalState,
  StoreQueryError,
  type QueryEndpoint,
  type QueryMerge,
  type QueryRow,
  type StoreQuery,
  type Topology,
} from '../engine/index.ts';
import { formatRows } from '../warehouse/format-rows.ts';
import type { QueryFormat, WarehouseRow } from '../warehouse/warehouse.ts';
import { describedTopology, PIPELINES, type PipelineDefinition } from './catalog.ts';
import type { Settings } from './settings.ts';
import { backendSpecOf, stateDirOf } from './stream-environment.ts';

/** Where running processes advertise their state-query endpoints. */
export function queriesDirOf(dataDir: string): string {
  return join(dataDir, 'queries');
}

export interface StateAnswer {
  rows: QueryRow[];
  /** live: from running processes; checkpointed: from the local copies of the last run. */
  source: 'live' | 'checkpointed';
  /** Partitions the answer covers. */
  partitions: number[];
}

/** The store's pipeline never ran on this data dir: no changelog and no local copy to read. */
export class NothingToQueryError extends Error {
  constructor(readonly pipeline: string) {
    super(`nothing to query yet: ${pipeline} has not run on this data dir (run \`riskstream run ${pipeline}\` first)`);
    this.name = 'NothingToQueryError';
  }
}

/** `state get` of a key the store does not hold. */
export class NoEntryError extends Error {
  constructor(store: string, key: string, source: StateAnswer['source']) {
    super(`no entry for key '${key}' in store ${store} (${source} state)`);
    this.name = 'NoEntryError';
  }
}

export interface Located {
  def: PipelineDefinition;
  topology: Topology;
}

/** The pipeline whose topology declares `store` queryable; a one-line error listing them otherwise. */
export function locateStore(store: string, pipelines: readonly PipelineDefinition[] = Object.values(PIPELINES)): Located {
  const known: string[] = [];
  for (const def of pipelines) {
    const topology = describedTopology(def);
    const specs = queryableSpecs(topology);
    if (specs.has(store)) return { def, topology };
    known.push(...specs.keys());
  }
  throw new StoreQueryError(`unknown state store '${store}' (queryable: ${known.length > 0 ? known.sort().join(', ') : 'none'})`);
}

/** The endpoints whose processes run the pipeline of `store` (a `run` of other pipelines has not got it). */
async function endpointsServing(endpoints: QueryEndpoint[], store: string): Promise<QueryEndpoint[]> {
  const serving = await Promise.all(
    endpoints.map((ep) =>
      endpointMetadata(ep).then(
        (meta) => meta.stores.some((s) => s.store === store),
        // Gone since it was listed: its partitions moved to the others, or nothing runs any more.
        () => false,
      ),
    ),
  );
  return endpoints.filter((_, i) => serving[i]);
}

/**
 * The answer of the running processes whose topology has `store` (merged by `merge`), or undefined
 * when none runs.
 */
export async function queryLiveState(
  settings: Settings,
  store: string,
  q: StoreQuery,
  merge: QueryMerge | undefined,
): Promise<StateAnswer | undefined> {
  const endpoints = await endpointsServing(advertisedEndpoints(queriesDirOf(settings.dataDir)), store);
  if (endpoints.length === 0) return undefined;
  return { ...(await queryEndpoints(endpoints, store, q, merge)), source: 'live' };
}

/** The answer of the committed state: the changelogs past the local copies (the local copies alone when the log is unreachable). */
export async function queryCheckpointedState(
  settings: Settings,
  store: string,
  q: StoreQuery,
  { def, topology }: Located,
  openLog: () => Promise<Backend> = () => openBackend(backendSpecOf(settings)),
): Promise<StateAnswer> {
  let backend: Backend | undefined;
  try {
    backend = await openLog();
  } catch {
    // The log is unreachable (Kafka down): the local copies alone, as of this machine's last commit.
    return { ...queryLocalState(stateDirOf(settings), def.applicationId, topology, store, q), source: 'checkpointed' };
  }
  try {
    return { ...(await queryCommittedState(backend, stateDirOf(settings), def.applicationId, topology, store, q)), source: 'checkpointed' };
  } finally {
    await backend.close();
  }
}

export async function queryState(
  settings: Settings,
  store: string,
  q: StoreQuery,
  pipelines: readonly PipelineDefinition[] = Object.values(PIPELINES),
  openLog?: () => Promise<Backend>,
): Promise<StateAnswer> {
  const located = locateStore(store, pipelines);
  const live = await queryLiveState(settings, store, q, queryableSpecs(located.topology).get(store)!.mergeQueryResults);
  return live ?? nonEmptyState(await queryCheckpointedState(settings, store, q, located, openLog), located.def.name);
}

/** A checkpointed answer covering no partition means the pipeline never ran here, which an empty answer would hide. */
export function nonEmptyState<A extends Pick<StateAnswer, 'source' | 'partitions'>>(answer: A, pipeline: string): A {
  if (answer.source === 'checkpointed' && answer.partitions.length === 0) throw new NothingToQueryError(pipeline);
  return answer;
}

/** The entry of one key; NoEntryError when the store holds none. */
export async function getStateEntry(
  settings: Settings,
  store: string,
  key: string,
  pipelines?: readonly PipelineDefinition[],
  openLog?: () => Promise<Backend>,
): Promise<StateAnswer> {
  const answer = await queryState(settings, store, { type: 'get', key }, pipelines, openLog);
  if (answer.rows.length === 0) throw new NoEntryError(store, key, answer.source);
  return answer;
}

/** Rows as `--format` prints them: key, then the value's fields (or one `value` column). */
export function formatStateRows(rows: readonly QueryRow[], format: QueryFormat): string {
  const flat: WarehouseRow[] = rows.map((r) =>
    r.value !== null && typeof r.value === 'object' && !Array.isArray(r.value)
      ? { key: r.key, ...(r.value as Record<string, unknown>) }
      : { key: r.key, value: r.value },
  ) as WarehouseRow[];
  const columns = ['key', ...new Set(flat.flatMap((r) => Object.keys(r).filter((k) => k !== 'key')))];
  if (format === 'json') return rows.map((r) => `${JSON.stringify(r)}\n`).join('');
  return formatRows(flat, format, columns);
}
