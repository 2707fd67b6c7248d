// What the group consumer holds of one assigned partition: the records kafkajs delivered that poll()
// has not handed out yet, and the partition's fetch state.
import type { LogRecord, TopicPartition } from '../backend.ts';

export interface KafkaPartitionQueue {
  tp: TopicPartition;
  records: LogRecord[];
  head: number;
  /** Offset after the last batch kafkajs delivered (the position once `records` is drained). */
  tail: number;
  /** Fetching paused at kafkajs because the queue is full (resumed once poll() drained it). */
  paused: boolean;
  /** pause()d by the caller: drain() skips it (kafkajs keeps fetching until the queue is full). */
  held: boolean;
  /** False until onAssigned has run and the start offset is set. */
  ready: boolean;
}

/**
 * Moves `n` records from the head of q to `out`. The queue lets go of them: while kafkajs keeps
 * delivering, the queue is rarely empty, and a consumed prefix left in the array kept up to ~95,000
 * processed records (and their buffers) alive per partition, so that they survived into the old
 * generation and had to be collected by major GCs.
 */
export function takeQueued(q: KafkaPartitionQueue, n: number, out: LogRecord[]): void {
  const records = q.records;
  const end = q.head + n;
  for (let k = q.head; k < end; k++) {
    out.push(records[k]);
    records[k] = undefined as unknown as LogRecord;
  }
  q.head = end;
  if (q.head === records.length) {
    q.records = [];
    q.head = 0;
  } else if (q.head > 4096 && q.head * 2 > records.length) {
    q.records = records.slice(q.head);
    q.head = 0;
  }
}
