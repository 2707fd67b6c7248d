// Messages between StreamThreads (the process's main thread) and its stream threads.
import type { StreamThreadSlot } from '../backend/backend.ts';
import type { QueryAnswer } from '../queries/query-router.ts';
import type { StoreMetadata } from '../queries/query-target.ts';
import type { StoreQuery } from '../queries/store-query.ts';
import type { StreamThreadFactory } from './stream-threads.ts';
import type { StreamsProgress } from './streams-app.ts';

/** workerData of a stream thread. */
export interface ThreadStart {
  factory: StreamThreadFactory;
  thread: StreamThreadSlot;
}

export type ThreadRequestBody =
  | { type: 'prepare' }
  | { type: 'start' }
  | { type: 'untilIdle' }
  | { type: 'metrics' }
  | { type: 'stop' }
  | { type: 'query'; store: string; query: StoreQuery }
  | { type: 'queryMetadata' };

export type ThreadRequest = { requestId: number } & ThreadRequestBody;

/** Unsolicited replies (no requestId) are periodic progress updates. */
export type ThreadReplyBody = { requestId?: number } & (
  | { type: 'prepared' }
  | { type: 'started' }
  | { type: 'progress' }
  /** fedOtherThreads: this round wrote to internal topics that other threads may read. */
  | { type: 'idle'; fedOtherThreads: boolean }
  /** The thread's registry as prom-client's getMetricsAsJSON() gives it. */
  | { type: 'metrics'; metrics: object[] }
  | { type: 'stopped' }
  | { type: 'queryAnswer'; answer: QueryAnswer }
  | { type: 'queryMetadata'; stores: StoreMetadata[] }
  /** A query the thread could not answer (unknown store, bad query): fails the query, not the thread. */
  | { type: 'queryFailed'; name: string; message: string }
  | { type: 'failed'; message: string }
);

/** Every reply carries the thread's progress. */
export type ThreadReply = ThreadReplyBody & { progress: StreamsProgress };
