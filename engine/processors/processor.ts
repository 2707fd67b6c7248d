// The low-level processor API: what every node of a topology implements, and the context the task
// hands it. Records travel as (key, value, timestamp) arguments, not objects, so the hot path of a
// stateless chain allocates nothing per record.
import type { StateStore } from '../state/state-store.ts';
import type { TimerService } from '../state/timer-store.ts';

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
   * Calls back every `intervalMs` of stream time or of wall-clock time (Kafka Streams' punctuators).
   *
   * Stream time: the first record fires it, then each record that moves stream time to or past the
   * next multiple of `intervalMs` (one call however many multiples it passed), after that record
   * is processed; `time` is the stream time. The next due time is state of the task (its
   * changelogged stream-time store, so the sub-topology needs a state store): after a crash,
   * restart or rebalance a due time fires neither twice nor not at all, and what the callback
   * emits is committed with the input that moved stream time. Call it from init(), always in the
   * same order: a punctuator is known by its node and its rank among the node's schedule calls.
   *
   * Wall clock: checked by the worker loop between batches, in memory only (as Kafka Streams).
   */
  schedule(intervalMs: number, type: PunctuationType, callback: (time: number) => void): void;
  /**
   * Keyed stream-time timers of this processor (Flink's timer service), persisted in the timer
   * store `storeName` (declared with builder.addStateStore(timerStore(storeName)) and named by this
   * processor). A timer fires once stream time >= its due time, after the record that moved stream
   * time there; due timers fire in (due time, key) order, each exactly once across commits,
   * crashes and replays. Call it once per store, from init().
   */
  timers(storeName: string, onTimer: (key: string, dueTime: number) => void): TimerService;
  /** Calls back each time the task's stream time grows (windows close from here). */
  onStreamTimeAdvance(callback: (streamTime: number) => void): void;
  /**
   * The source record whose processing is running now (inside stream-time punctuations and timers:
   * the record that moved stream time); undefined inside wall-clock punctuations.
   */
  currentOrigin(): RecordOrigin | undefined;
  /** Sends the raw source record being processed to `topic` with its origin headers (late records). */
  sendCurrentRecordTo(topic: string, reason: string): void;
}

export type ProcessorSupplier<KIn, VIn, KOut, VOut> = () => Processor<KIn, VIn, KOut, VOut>;
