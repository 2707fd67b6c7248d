// Routes polled records to their tasks and bounds what is buffered per partition. The backend
// interface has no pause(): a full partition's surplus is dropped and the consumer is sought back
// to the first dropped offset, so it is fetched again once the task has made room.
import type { GroupConsumer, LogRecord } from '../backend/backend.ts';
import type { TaskManager } from '../tasks/task-manager.ts';

export class PartitionPauser {
  private readonly paused = new Set<string>();

  constructor(private readonly maxBuffered: number) {}

  route(records: LogRecord[], tasks: TaskManager, consumer: GroupConsumer): void {
    this.paused.clear();
    let seekTo: Map<string, { topic: string; partition: number; offset: number }> | undefined;
    let lastTopic = '';
    let lastPartition = -1;
    let queue: ReturnType<StreamTaskQueueLookup> | undefined;
    for (const r of records) {
      if (r.topic !== lastTopic || r.partition !== lastPartition) {
        lastTopic = r.topic;
        lastPartition = r.partition;
        queue = tasks.taskFor(r.topic, r.partition)?.queueFor(r.topic);
      }
      if (!queue) continue; // partition revoked meanwhile
      const id = `${r.topic}\u0000${r.partition}`;
      if (this.paused.has(id)) continue;
      if (queue.length >= this.maxBuffered) {
        this.paused.add(id);
        (seekTo ??= new Map()).set(id, { topic: r.topic, partition: r.partition, offset: r.offset });
        continue;
      }
      queue.push(r);
    }
    if (seekTo) for (const s of seekTo.values()) consumer.seek(s);
  }

  isPaused(topic: string, partition: number): boolean {
    return this.paused.has(`${topic}\u0000${partition}`);
  }

  anyPaused(): boolean {
    return this.paused.size > 0;
  }
}

type StreamTaskQueueLookup = (topic: string) => import('../tasks/partition-queue.ts').PartitionQueue | undefined;
