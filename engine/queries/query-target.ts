// What the query server asks of whatever runs a topology in this process (a StreamsApp, or
// StreamThreads answering through its threads).
import type { QueryAnswer } from './query-router.ts';
import type { StoreQuery } from './store-query.ts';

/** One queryable store as one process sees it. */
export interface StoreMetadata {
  store: string;
  /** Partitions of the store's sub-topology; undefined until the app has prepared. */
  partitionCount: number | undefined;
  /** Partitions whose tasks this process runs now. */
  partitions: number[];
}

export interface StateQueryTarget {
  readonly applicationId: string;
  query(store: string, q: StoreQuery): QueryAnswer | Promise<QueryAnswer>;
  queryMetadata(): StoreMetadata[] | Promise<StoreMetadata[]>;
}
