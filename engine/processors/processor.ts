// The low-level processor API: what every node of a topology implements, and the context the task
// hands it. Records travel as (key, value, timestamp) arguments, not objects, so the hot path of a
// stateless chain allocates nothing per record.
import type { StateStore } from '../state/state-store.ts';

export interface Processor<KIn, VIn, KOut = KIn, VOut = VIn> {
  init?(context: ProcessorContext<KOut, VOut>): void;
  process(key: KIn, value: VIn, timestamp: number): void;
  close?(): void;
}

export type PunctuationType = 'stream-time' | 'wall-clock';

/** Where the record being processed came from (for DLQ/late headers and user logic). */
export interface RecordOrigin {
  topic: string;
  partition: number;
  offset: number;
}

export interface ProcessorContext<KOut, VOut> {
  readonly applicationId: string;
  readonly taskId: string;
  /** Partition number of the task (the same for every input topic of the task). */
  readonly partition: number;
  /** Largest event time the task has processed; -Infinity before the first record. */
  readonly streamTime: number;
  /** Passes a record to every child of this node. */
  forward(key: KOut, value: VOut, timestamp: number): void;
  getStateStore<S extends StateStore>(name: string): S;
  /**
   * Calls back every `intervalMs` of stream time (when a record moves stream time past the next
   * due time) or of wall-clock time (checked by the worker loop between batches).
   */
  schedule(intervalMs: number, type: PunctuationType, callback: (time: number) => void): void;
  /** Calls back each time the task's stream time grows (windows close from here). */
  onStreamTimeAdvance(callback: (streamTime: number) => void): void;
  /** The source record whose processing is running now; undefined inside wall-clock punctuations. */
  currentOrigin(): RecordOrigin | undefined;
  /** Sends the raw source record being processed to `topic` with its origin headers (late records). */
  sendCurrentRecordTo(topic: string, reason: string): void;
}

export type ProcessorSupplier<KIn, VIn, KOut, VOut> = () => Processor<KIn, VIn, KOut, VOut>;
