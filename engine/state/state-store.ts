// What a task needs from every state store: changes since the last commit as changelog entries
// (the write cache: a key changed many times between commits is written once), restore from those
// same entries, and a full dump for the local persistent copy.
import type { QueryMerge, QueryRow, StoreQuery } from '../queries/store-query.ts';

export interface ChangelogEntry {
  key: Buffer;
  /** null = tombstone (the key was deleted). */
  value: Buffer | null;
}

export interface StateStore {
  readonly name: string;
  /** Entries changed since the previous call; clears the dirty set. */
  takeChanges(): ChangelogEntry[];
  /** Applies one changelog entry (restore from the changelog or from the local copy). */
  restore(key: Buffer, value: Buffer | null): void;
  /** Every live entry, in changelog form (to rewrite the local copy). */
  dump(): Iterable<ChangelogEntry>;
  /**
   * What to rewrite the local copy with, when that is more than dump(): entries that restore()
   * reads back but that are no state of their own (see SliceStore.localCopy).
   */
  localCopy?(): Iterable<ChangelogEntry>;
  /**
   * Once restore() has applied every entry (local copy and changelog), before the task processes:
   * async work the restored values need, such as fetching the Avro writer schemas of values stored
   * by an earlier schema version. Throws on values that cannot be read.
   */
  afterRestore?(): Promise<void>;
  /** Number of live entries (metrics, local-copy compaction). */
  size(): number;
  /** Interactive queries (stores declared queryable); must not change the store. */
  query?(q: StoreQuery): QueryRow[];
}

/** How a topology declares a store; the task creates one instance per task. */
export interface StoreSpec {
  name: string;
  create(): StateStore;
  /** Readable from outside the running application (interactive queries); its stores implement query(). */
  queryable?: boolean;
  /** How the answers of several tasks combine (default: by key, see mergeByKey). */
  mergeQueryResults?: QueryMerge;
  /**
   * false when the store's keys are not what its tasks are partitioned by (a store keyed by debtor
   * in tasks partitioned by customer): a key query then asks every task instead of one.
   */
  routeKeyQueries?: boolean;
  /**
   * The user topic that serves as the store's changelog (Kafka Streams' source-topic optimisation
   * for tables): no changelog topic is written, restore reads this topic up to the committed offset.
   */
  sourceTopic?: string;
}

export function changelogTopicOf(applicationId: string, storeName: string): string {
  return `${applicationId}-${storeName}-changelog`;
}
