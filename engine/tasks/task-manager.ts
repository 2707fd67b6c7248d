// Creates tasks when their partitions are assigned (restoring their state first) and commits and
// closes them when their partitions are revoked. A task for partition p of a sub-topology exists
// once p of every input topic of that sub-topology is assigned to this worker (co-partitioning).
import type { Backend, LogAdmin, LogProducer, TopicPartition } from '../backend/backend.ts';
import {
  isFenced,
  PartitionCommitter,
  TaskMigratedError,
  writeTaskCheckpoint,
  type ManagedTask,
  type ProcessingGuarantee,
} from '../commit/partition-committer.ts';
import { LocalTaskState } from '../state/local-state.ts';
import { restoreTaskStores, type RestoreProgress } from '../state/state-restorer.ts';
import { resolveTopic, type Topology } from '../topology/topology.ts';
import type { Logger } from '../observability/logger.ts';
import type { EventTimeBounds } from './event-time-bounds.ts';
import { StreamTask } from './stream-task.ts';

export interface TaskManagerOptions {
  applicationId: string;
  topology: Topology;
  backend: Backend;
  /** The application's admin client (restore asks it for changelog end offsets). */
  admin: LogAdmin;
  stateDir: string;
  guarantee: ProcessingGuarantee;
  eventTimeBounds: EventTimeBounds;
  logger: Logger;
  isInternalTopic: (topic: string) => boolean;
  onRestoreProgress?: (p: RestoreProgress) => void;
}

export class TaskManager {
  /** partition number -> its committer (which owns the partition's tasks). */
  readonly units = new Map<number, PartitionCommitter>();
  /** "topic\0partition" -> the task consuming it. */
  private readonly byTopicPartition = new Map<string, StreamTask>();
  private readonly assigned = new Set<string>();
  /** at_least_once: one producer for every partition, opened by the first task. */
  private plainProducer: Promise<LogProducer> | undefined;

  constructor(private readonly o: TaskManagerOptions) {}

  taskFor(topic: string, partition: number): StreamTask | undefined {
    return this.byTopicPartition.get(`${topic}\u0000${partition}`);
  }

  *tasks(): Iterable<StreamTask> {
    for (const u of this.units.values()) for (const m of u.tasks) yield m.task;
  }

  async onAssigned(partitions: TopicPartition[]): Promise<void> {
    for (const tp of partitions) this.assigned.add(`${tp.topic}\u0000${tp.partition}`);
    const candidates = new Set(partitions.map((tp) => tp.partition));
    const due = new Map<number, number[]>();
    for (const st of this.o.topology.subTopologies()) {
      const topics = st.sourceTopics.map((t) => resolveTopic(t, this.o.applicationId));
      for (const p of candidates) {
        if (!topics.every((t) => this.assigned.has(`${t}\u0000${p}`))) continue;
        if (topics.some((t) => this.byTopicPartition.has(`${t}\u0000${p}`))) continue;
        const ids = due.get(p) ?? [];
        ids.push(st.id);
        due.set(p, ids);
      }
    }
    // Partitions start side by side: each waits mostly on the log (fencing its producer, reading
    // changelog ends), ~20 ms a partition on Kafka. A partition's sub-topologies share its
    // committer, so they start one after the other.
    const started = await Promise.allSettled(
      [...due].map(async ([p, subTopologies]) => {
        for (const id of subTopologies) await this.createTask(id, p);
      }),
    );
    const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
  }

  async onRevoked(partitions: TopicPartition[]): Promise<void> {
    const affected = new Set<number>();
    for (const tp of partitions) {
      this.assigned.delete(`${tp.topic}\u0000${tp.partition}`);
      if (this.taskFor(tp.topic, tp.partition)) affected.add(tp.partition);
    }
    for (const p of affected) {
      const unit = this.units.get(p)!;
      try {
        await unit.commit();
      } catch (err) {
        // On Kafka the new owner may already have fenced us: the uncommitted work is simply redone
        // there from the last committed offsets (the local copy holds only committed state).
        this.o.logger.warn({ partition: p, err: (err as Error).message }, 'commit on revocation failed; dropping uncommitted work');
      }
      const revoked = unit.tasks.filter((m) => m.task.queues.some((q) => !this.assigned.has(`${q.topic}\u0000${q.partition}`)));
      for (const m of revoked) {
        this.o.logger.info({ task: m.task.taskId }, 'closing revoked task');
        this.closeTask(m);
        unit.tasks.splice(unit.tasks.indexOf(m), 1);
      }
      if (unit.tasks.length === 0) {
        await unit.close();
        this.units.delete(p);
      }
    }
  }

  private async createTask(subTopologyId: number, partition: number): Promise<void> {
    const { applicationId, backend, topology } = this.o;
    const st = topology.subTopologies()[subTopologyId];
    const task = new StreamTask(applicationId, st, partition, this.o.eventTimeBounds);
    const local = new LocalTaskState(this.o.stateDir, applicationId, task.taskId);
    // Fence the previous owner first: opening the transactional producer bumps its epoch and lets a
    // commit it had in flight finish or abort. Restoring before that could read a changelog that a
    // zombie's last transaction then extends, while the committed offsets already include it.
    let unit = this.units.get(partition);
    if (!unit) {
      const transactional = await backend.transactionalProducer(`${applicationId}-${partition}`);
      const plain = this.o.guarantee === 'at_least_once' ? await this.sharedPlainProducer() : undefined;
      unit = new PartitionCommitter(partition, applicationId, this.o.guarantee, transactional, plain, this.o.isInternalTopic);
      this.units.set(partition, unit);
    }
    const started = Date.now();
    let changelogNext = new Map<string, number>();
    if (task.stores.size > 0) {
      const reader = await backend.partitionReader();
      try {
        const result = await restoreTaskStores({
          taskId: task.taskId,
          partition,
          stores: task.stores,
          changelogTopics: task.changelogTopics(),
          sourceChangelogs: { groupId: applicationId, stores: task.sourceChangelogStores() },
          local,
          admin: this.o.admin,
          reader,
          onProgress: this.o.onRestoreProgress,
        });
        changelogNext = result.changelogOffsets;
        this.o.logger.info(
          { task: task.taskId, fromLocal: result.fromLocal, replayed: result.replayed, ms: Date.now() - started },
          'task state restored',
        );
      } finally {
        await reader.close();
      }
    }
    task.initialize();
    const baseBytes = new Map<string, number>();
    for (const name of task.stores.keys()) baseBytes.set(name, local.fileBytes(name));
    unit.tasks.push({ task, local, changelogNext, baseBytes, sinceCheckpoint: 0 });
    for (const q of task.queues) this.byTopicPartition.set(`${q.topic}\u0000${q.partition}`, task);
  }

  private sharedPlainProducer(): Promise<LogProducer> {
    this.plainProducer ??= this.o.backend.producer().catch((err: unknown) => {
      this.plainProducer = undefined;
      throw err;
    });
    return this.plainProducer;
  }

  /** Commits every partition; returns totals. */
  async commitAll(): Promise<{ records: number; outputs: number; internalRecords: number }> {
    const units = [...this.units.values()];
    // Partitions commit in parallel, one transaction each: Kafka runs them side by side, the
    // embedded log writes them as one group commit.
    const settled = await Promise.allSettled(units.map((u) => u.commit()));
    let records = 0;
    let outputs = 0;
    let internalRecords = 0;
    const migrated: number[] = [];
    let failure: unknown;
    for (let i = 0; i < settled.length; i++) {
      const s = settled[i];
      if (s.status === 'fulfilled') {
        records += s.value.records;
        outputs += s.value.outputs;
        internalRecords += s.value.internalRecords;
      } else if (isFenced(s.reason)) {
        await this.dropMigrated(units[i]);
        migrated.push(units[i].partition);
      } else failure ??= s.reason;
    }
    if (failure !== undefined) throw failure;
    if (migrated.length > 0) throw new TaskMigratedError(migrated);
    return { records, outputs, internalRecords };
  }

  /** Closes a task and its local files and stops routing its partitions' records to it. */
  private closeTask(m: ManagedTask): void {
    m.task.close();
    // The local copy holds only committed entries, so its checkpoint may be written even when the
    // task's last commit was fenced.
    writeTaskCheckpoint(m);
    m.local.closeFiles();
    for (const q of m.task.queues) this.byTopicPartition.delete(`${q.topic}\u0000${q.partition}`);
  }

  /**
   * Closes a fenced partition's tasks without committing: the new owner redoes their uncommitted
   * work from the last commit, and the local copies hold only committed state.
   */
  private async dropMigrated(unit: PartitionCommitter): Promise<void> {
    for (const m of unit.tasks) {
      this.o.logger.warn({ task: m.task.taskId }, 'task moved to another member: dropping its uncommitted work');
      this.closeTask(m);
    }
    await unit.close().catch(() => undefined);
    this.units.delete(unit.partition);
  }

  /** Waits until every partition's committed output is readable downstream (see TransactionalProducer). */
  async awaitVisible(): Promise<void> {
    await Promise.all([...this.units.values()].map((u) => u.awaitVisible()));
  }

  hasPendingCommit(): boolean {
    for (const u of this.units.values()) if (u.hasPending()) return true;
    return false;
  }

  /** Closes everything; with commit=false (after a failure) nothing more is written. */
  async closeAll(commit: boolean): Promise<void> {
    if (commit) {
      await this.commitAll().catch((err: unknown) => {
        if (!(err instanceof TaskMigratedError)) throw err;
      });
    }
    for (const u of this.units.values()) {
      for (const m of u.tasks) m.task.close();
      await u.close();
    }
    this.units.clear();
    this.byTopicPartition.clear();
    this.assigned.clear();
    const plain = this.plainProducer;
    this.plainProducer = undefined;
    if (plain) await (await plain.catch(() => undefined))?.close();
  }
}
