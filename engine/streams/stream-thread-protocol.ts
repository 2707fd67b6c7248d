// Messages between StreamThreads (the process's main thread) and its stream threads.
import type { StreamThreadSlot } from '../backend/backend.ts';
import type { StreamThreadFactory } from './stream-threads.ts';
import type { StreamsProgress } from './streams-app.ts';

/** workerData of a stream thread. */
export interface ThreadStart {
  factory: StreamThreadFactory;
  thread: StreamThreadSlot;
}

export type ThreadRequest = { requestId: number } & (
  { type: 'prepare' } | { type: 'start' } | { type: 'untilIdle' } | { type: 'metrics' } | { type: 'stop' }
);

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
  | { type: 'failed'; message: string }
);

/** Every reply carries the thread's progress. */
export type ThreadReply = ThreadReplyBody & { progress: StreamsProgress };
