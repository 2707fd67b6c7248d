// Interactive queries when nothing runs: the same query answered from the local copies a stopped
// application left under <stateDir>/<applicationId>/<task>/, read-only (never truncated or
// rewritten, so a process starting meanwhile is not disturbed). The local copy holds committed
// state only, as of the task's last commit on this machine; changelog entries committed by
// another machine after that are not read.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { LocalTaskState } from '../state/local-state.ts';
import type { StateStore } from '../state/state-store.ts';
import type { Topology } from '../topology/topology.ts';
import { answerQuery, queryableSpecs, unknownStoreError, type QueryAnswer, type QueryableTask } from './query-router.ts';
import type { StoreQuery } from './store-query.ts';

/** The tasks of `store` found in the state dir, each with its store loaded from its local copy. */
export function localTasksOf(stateDir: string, applicationId: string, topology: Topology, store: string): QueryableTask[] {
  const spec = queryableSpecs(topology).get(store);
  if (!spec) throw unknownStoreError(store, queryableSpecs(topology).keys());
  const sub = topology.subTopologies().find((st) => st.stores.some((s) => s.name === store))!;
  let dirs: string[];
  try {
    dirs = readdirSync(join(stateDir, applicationId));
  } catch {
    return [];
  }
  const out: QueryableTask[] = [];
  for (const d of dirs) {
    const m = /^(\d+)_(\d+)$/.exec(d);
    if (!m || Number(m[1]) !== sub.id) continue;
    const s: StateStore = spec.create();
    new LocalTaskState(stateDir, applicationId, d).peek(s);
    out.push({ partition: Number(m[2]), stores: new Map([[store, s]]) });
  }
  return out.sort((a, b) => a.partition - b.partition);
}

export function queryLocalState(stateDir: string, applicationId: string, topology: Topology, store: string, q: StoreQuery): QueryAnswer {
  return answerQuery(topology, localTasksOf(stateDir, applicationId, topology, store), store, q, undefined);
}
