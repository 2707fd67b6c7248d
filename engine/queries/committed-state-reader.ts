// Interactive queries when nothing runs, brought up to the last commit: each partition's store is
// rebuilt from this machine's local copy (when its checkpoint is usable) plus the changelog from
// there to its end, or from the whole changelog when this machine has no copy of the partition
// (another worker ran it). Reads only: no local file or checkpoint is written.
import type { Backend } from '../backend/backend.ts';
import { BACKEND_RETRY, isRetriable, withBackoff } from '../errors/retry.ts';
import { LocalTaskState } from '../state/local-state.ts';
import { changelogTopicOf, type StateStore } from '../state/state-store.ts';
import type { Topology } from '../topology/topology.ts';
import { answerQuery, queryableSpecs, unknownStoreError, type QueryAnswer, type QueryableTask } from './query-router.ts';
import type { StoreQuery } from './store-query.ts';

export async function committedTasksOf(
  backend: Backend,
  stateDir: string,
  applicationId: string,
  topology: Topology,
  store: string,
): Promise<QueryableTask[]> {
  const spec = queryableSpecs(topology).get(store);
  if (!spec) throw unknownStoreError(store, queryableSpecs(topology).keys());
  const sub = topology.subTopologies().find((st) => st.stores.some((s) => s.name === store))!;
  const topic = changelogTopicOf(applicationId, store);
  const admin = backend.admin();
  const count = (await withBackoff(() => admin.partitionCounts([topic]), isRetriable, BACKEND_RETRY)).get(topic);
  if (count === undefined) return [];
  const ends = await withBackoff(() => admin.endOffsets(topic), isRetriable, BACKEND_RETRY);
  const reader = await backend.partitionReader();
  try {
    const out: QueryableTask[] = [];
    for (let p = 0; p < count; p++) {
      const s: StateStore = spec.create();
      const local = new LocalTaskState(stateDir, applicationId, `${sub.id}_${p}`);
      const cp = local.readCheckpoint()?.offsets[store];
      let from = 0;
      if (cp !== undefined && Number.isInteger(cp) && cp <= ends[p]) {
        local.peek(s);
        from = cp;
      }
      for await (const batch of reader.read({ topic, partition: p }, from, ends[p]))
        for (const r of batch) if (r.key !== null) s.restore(r.key, r.value);
      await s.afterRestore?.();
      out.push({ partition: p, stores: new Map([[store, s]]) });
    }
    return out;
  } finally {
    await reader.close();
  }
}

/** The query answered from the committed state of every partition (see committedTasksOf). */
export async function queryCommittedState(
  backend: Backend,
  stateDir: string,
  applicationId: string,
  topology: Topology,
  store: string,
  q: StoreQuery,
): Promise<QueryAnswer> {
  const tasks = await committedTasksOf(backend, stateDir, applicationId, topology, store);
  return answerQuery(topology, tasks, store, q, tasks.length > 0 ? tasks.length : undefined);
}
