// What a sink is to the sink runner: it takes decoded records in offset order per partition, writes
// them (now or buffered), and says up to which input offset everything is durably written. The runner
// commits exactly that, so a crash re-delivers what was not acknowledged, and an idempotent sink turns
// at-least-once delivery into effectively-once results.
import type { TopicPartition, TopicPartitionOffset } from '../../engine/index.ts';
import type { TopicName } from '../../schemas/types.ts';
import type { DeadLetterRow } from '../dead-letters/dead-letter-row.ts';

/** A decoded (and transformed) Avro record with its origin. `row` keeps Avro shapes: times as epoch ms. */
export interface SinkRecord {
  topic: TopicName;
  partition: number;
  offset: number;
  row: Record<string, unknown>;
}

/** A record of a dead-letter topic (`<topic>.dlq`): not Avro, landed as its flat row. */
export interface DeadLetterSinkRecord {
  topic: string;
  partition: number;
  offset: number;
  deadLetter: DeadLetterRow;
}

export interface Sink {
  /** Names the consumer group: riskstream-sink-<name>. */
  readonly name: string;
  /** Accepts records (offset order within each partition). `signal` aborts retries at shutdown. */
  write(records: SinkRecord[], signal: AbortSignal): Promise<void>;
  /**
   * Present on sinks that can land dead letters. When the runner is asked to (`deadLetters`), it also
   * reads `<topic>.dlq` of each topic and hands those records here, in offset order per partition,
   * under the same acknowledgement rules as write().
   */
  writeDeadLetters?(records: DeadLetterSinkRecord[], signal: AbortSignal): Promise<void>;
  /** Writes everything buffered (the input is idle, or the runner is stopping). */
  flush(signal: AbortSignal): Promise<void>;
  /**
   * The runner has consumed these partitions up to (not including) `offset`, dead-lettered records
   * included; a sink may commit that far once everything it was given before is written.
   */
  advance(positions: TopicPartitionOffset[]): void;
  /** Per partition, the next input offset below which everything is durably written. */
  committable(): TopicPartitionOffset[];
  /** Where reading a partition must start when the group's position is `offset` (e.g. a chunk boundary). */
  alignStart(tp: TopicPartition, offset: number): number;
  /** Forgets buffered state of partitions taken away from this worker (after a final flush). */
  release(partitions: TopicPartition[]): void;
  /** Rows written so far (for progress). */
  readonly rowsWritten: number;
  close(): Promise<void>;
}

/** A per-topic change applied to each decoded record before it is written (e.g. the assigned category). */
export type RowTransform = (row: Record<string, unknown>) => Record<string, unknown>;
export type RowTransforms = Partial<Record<TopicName, RowTransform>>;

export class SinkError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SinkError';
  }
}

export function tpKey(tp: TopicPartition): string {
  return `${tp.topic}\u0000${tp.partition}`;
}
