// Routes polled records to their tasks and bounds what is buffered per partition, like Kafka
// Streams' buffered.records.per.partition: a partition whose queue reaches the limit is paused at
// the consumer and resumed once the task has worked it below the limit. Nothing polled is ever
// dropped (and read again): the queues of a task's slower inputs fill up while timestamp
// synchronisation takes its busiest input first, and their surplus must not be decoded for nothing.
import type { GroupConsumer, LogRecord, TopicPartition } from '../backend/backend.ts';
import type { PartitionQueue } from '../tasks/partition-queue.ts';
import type { TaskManager } from '../tasks/task-manager.ts';

export class PartitionPauser {
  /** Paused partitions and the queue each waits on. */
  private readonly paused = new Map<string, { tp: TopicPartition; queue: PartitionQueue }>();
  /** The consumer the pauses were made on: a rejoin brings a new one, with nothing paused. */
  private consumer: GroupConsumer | undefined;

  constructor(private readonly maxBuffered: number) {}

  route(records: LogRecord[], tasks: TaskManager, consumer: GroupConsumer): void {
    if (consumer !== this.consumer) {
      this.consumer = consumer;
      this.paused.clear();
    }
    let lastTopic = '';
    let lastPartition = -1;
    let queue: PartitionQueue | undefined;
    for (const r of records) {
      if (r.topic !== lastTopic || r.partition !== lastPartition) {
        if (queue !== undefined) this.pauseIfFull(lastTopic, lastPartition, queue, consumer);
        lastTopic = r.topic;
        lastPartition = r.partition;
        queue = tasks.taskFor(r.topic, r.partition)?.queueFor(r.topic);
      }
      queue?.push(r); // no queue: partition revoked meanwhile
    }
    if (queue !== undefined) this.pauseIfFull(lastTopic, lastPartition, queue, consumer);
  }

  /**
   * Resumes the paused partitions whose tasks have worked their queues below the limit, and those
   * whose task is gone (revoked: a later assignment starts with a new queue).
   */
  resumeDrained(tasks: TaskManager, consumer: GroupConsumer): void {
    if (consumer !== this.consumer) return;
    let resumed: TopicPartition[] | undefined;
    for (const [id, p] of this.paused) {
      const current = tasks.taskFor(p.tp.topic, p.tp.partition)?.queueFor(p.tp.topic) === p.queue;
      if (current && p.queue.length >= this.maxBuffered) continue;
      (resumed ??= []).push(p.tp);
      this.paused.delete(id);
    }
    if (resumed !== undefined) consumer.resume(resumed);
  }

  isPaused(topic: string, partition: number): boolean {
    return this.paused.has(idOf(topic, partition));
  }

  anyPaused(): boolean {
    return this.paused.size > 0;
  }

  private pauseIfFull(topic: string, partition: number, queue: PartitionQueue, consumer: GroupConsumer): void {
    if (queue.length < this.maxBuffered) return;
    const id = idOf(topic, partition);
    if (this.paused.has(id)) return;
    const tp = { topic, partition };
    this.paused.set(id, { tp, queue });
    consumer.pause([tp]);
  }
}

function idOf(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}
