// Brings a task's stores up to date before it processes anything: load the local copy when the
// checkpoint is valid, then replay the changelog tail; with no valid checkpoint (missing, naming
// other stores, or ahead of the changelog: the topic was recreated) rebuild from the changelog.
// Changelog records read are appended to the local copy as they are, so the next start is local.
// A table whose changelog is its source topic restores from that topic, up to the committed offset.
import type { LogAdmin, PartitionReader } from '../backend/backend.ts';
import { BACKEND_RETRY, isRetriable, withBackoff } from '../errors/retry.ts';
import type { LocalTaskState } from './local-state.ts';
import type { StateStore } from './state-store.ts';

export interface RestoreProgress {
  taskId: string;
  store: string;
  restored: number;
  total: number;
}

export interface RestoreResult {
  /** store name -> changelog end offset the stores now reflect. */
  changelogOffsets: Map<string, number>;
  fromLocal: boolean;
  replayed: number;
}

export async function restoreTaskStores(options: {
  taskId: string;
  partition: number;
  stores: Map<string, StateStore>;
  changelogTopics: Map<string, string>;
  /**
   * Stores whose changelog is a source topic of the task, and the group that consumes it: they are
   * restored up to the group's committed offset, not the topic's end (what lies beyond is
   * processed, and applied, again).
   */
  sourceChangelogs?: { groupId: string; stores: ReadonlySet<string> };
  local: LocalTaskState;
  admin: LogAdmin;
  reader: PartitionReader;
  onProgress?: (p: RestoreProgress) => void;
}): Promise<RestoreResult> {
  const { stores, changelogTopics, local, admin, reader, partition } = options;
  const ends = new Map<string, number>();
  const sourced = options.sourceChangelogs;
  for (const [name, topic] of changelogTopics) {
    const end = sourced?.stores.has(name)
      ? (await withBackoff(() => admin.committedOffsets(sourced.groupId, topic), isRetriable, BACKEND_RETRY))[partition]
      : (await withBackoff(() => admin.endOffsets(topic), isRetriable, BACKEND_RETRY))[partition];
    ends.set(name, end ?? 0);
  }

  const cp = local.readCheckpoint();
  const valid =
    cp !== undefined &&
    [...stores.keys()].every((name) => Number.isInteger(cp.offsets[name]) && cp.offsets[name] <= ends.get(name)!) &&
    Object.keys(cp.offsets).length === stores.size;
  const from = new Map<string, number>();
  if (valid) {
    for (const [name, store] of stores) {
      local.load(store);
      from.set(name, cp.offsets[name]);
    }
  } else {
    local.wipe();
    for (const name of stores.keys()) from.set(name, 0);
  }

  let replayed = 0;
  for (const [name, store] of stores) {
    const topic = changelogTopics.get(name)!;
    const end = ends.get(name)!;
    const start = from.get(name)!;
    let done = 0;
    for await (const batch of reader.read({ topic, partition }, start, end)) {
      for (const r of batch) {
        if (r.key !== null) store.restore(r.key, r.value);
      }
      local.append(
        name,
        batch.filter((r) => r.key !== null),
      );
      done += batch.length;
      options.onProgress?.({ taskId: options.taskId, store: name, restored: done, total: end - start });
    }
    replayed += done;
  }
  for (const store of stores.values()) await store.afterRestore?.();
  local.writeCheckpoint({ offsets: Object.fromEntries(ends) });
  return { changelogOffsets: ends, fromLocal: valid, replayed };
}
