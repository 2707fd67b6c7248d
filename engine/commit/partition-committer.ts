// Commits the tasks of one partition number: flush their write caches, then write changelog records,
// output records and input offsets (exactly_once: one transaction, transactional id
// `<applicationId>-<partition>`, so a task that moved fences its zombie; at_least_once: produce,
// then commit offsets), then append the committed changelog entries to the local copies, writing
// a task's checkpoint every CHECKPOINT_EVERY_RECORDS changelog records and when it closes.
import type { LogProducer, ProduceRecord, TransactionalProducer } from '../backend/backend.ts';
import { ProducerFencedError } from '../backend/errors.ts';
import type { LocalTaskState } from '../state/local-state.ts';
import type { StreamTask } from '../tasks/stream-task.ts';

export type ProcessingGuarantee = 'exactly_once' | 'at_least_once';

export class CommitFailedError extends Error {
  constructor(
    readonly partition: number,
    cause: unknown,
  ) {
    super(`commit of partition ${partition} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'CommitFailedError';
  }
}

/**
 * Commits were fenced: another member of the group owns these partitions now and has taken over
 * their transactional ids (Kafka Streams' TaskMigratedException). Their uncommitted work is
 * dropped here and redone by the new owner from the last commit; this member rejoins the group.
 */
export class TaskMigratedError extends Error {
  constructor(readonly partitions: number[]) {
    super(`partitions ${partitions.join(', ')} moved to another member of the group (their commit was fenced)`);
    this.name = 'TaskMigratedError';
  }
}

/** True when a commit failed because a newer producer with the same transactional id fenced it. */
export function isFenced(err: unknown): boolean {
  return err instanceof CommitFailedError && err.cause instanceof ProducerFencedError;
}

/** Rewrite a local store file once it holds this many bytes more than after its last rewrite. */
const LOCAL_REWRITE_SLACK_BYTES = 64 * 1024 * 1024;
/**
 * Write a task's checkpoint once its local copy has taken this many changelog records since the
 * last one (Kafka Streams' OFFSET_DELTA_THRESHOLD_FOR_CHECKPOINT), and whenever the task closes.
 * A checkpoint behind its local file is safe: restore replays the changelog from the checkpoint,
 * re-applying full values the file already holds. A rename per task per commit was 1.3% of a
 * Kafka stream thread.
 */
const CHECKPOINT_EVERY_RECORDS = 10_000;

export interface ManagedTask {
  task: StreamTask;
  local: LocalTaskState;
  /** store -> changelog offset the local copy reflects (a lower bound: EOS markers take offsets). */
  changelogNext: Map<string, number>;
  /** store -> local file bytes right after its last rewrite. */
  baseBytes: Map<string, number>;
  /** Changelog records appended to the local copy since its checkpoint was last written. */
  sinceCheckpoint: number;
}

/** Records in the checkpoint what the task's local copy reflects (see CHECKPOINT_EVERY_RECORDS). */
export function writeTaskCheckpoint(m: ManagedTask): void {
  if (m.sinceCheckpoint === 0) return;
  m.local.writeCheckpoint({ offsets: Object.fromEntries(m.changelogNext) });
  m.sinceCheckpoint = 0;
}

export interface CommitOutcome {
  records: number;
  outputs: number;
  /** Records written to internal (repartition) topics, which this app reads back. */
  internalRecords: number;
}

export class PartitionCommitter {
  readonly tasks: ManagedTask[] = [];

  constructor(
    readonly partition: number,
    private readonly groupId: string,
    private readonly guarantee: ProcessingGuarantee,
    private readonly transactional: TransactionalProducer,
    private readonly plain: LogProducer | undefined,
    private readonly isInternalTopic: (topic: string) => boolean,
  ) {}

  hasPending(): boolean {
    return this.tasks.some((t) => t.task.hasPendingCommit());
  }

  async commit(): Promise<CommitOutcome> {
    const prepared = this.tasks.map((m) => ({ m, data: m.task.prepareCommit() }));
    const records: ProduceRecord[] = [];
    const offsets = [];
    for (const { data } of prepared) {
      for (const r of data.records) records.push(r);
      for (const o of data.offsets) offsets.push(o);
    }
    if (records.length === 0 && offsets.length === 0) return { records: 0, outputs: 0, internalRecords: 0 };
    try {
      if (this.guarantee === 'exactly_once') {
        await this.transactional.commit({ records, offsets, groupId: this.groupId });
      } else {
        if (records.length > 0) await this.plain!.send(records);
        await this.transactional.commit({ records: [], offsets, groupId: this.groupId });
      }
    } catch (err) {
      throw new CommitFailedError(this.partition, err);
    }
    let changelogRecords = 0;
    for (const { m, data } of prepared) {
      m.task.markCommitted();
      if (data.changelog.size === 0) continue;
      for (const [store, list] of data.changelog) {
        const sourceNext = data.sourceChangelogNext.get(store);
        if (sourceNext === undefined) changelogRecords += list.length;
        m.sinceCheckpoint += list.length;
        m.local.append(store, list);
        m.changelogNext.set(store, sourceNext ?? (m.changelogNext.get(store) ?? 0) + list.length);
        const base = m.baseBytes.get(store) ?? 0;
        if (m.local.fileBytes(store) > 2 * base + LOCAL_REWRITE_SLACK_BYTES) {
          m.local.rewrite(m.task.stores.get(store)!);
          m.baseBytes.set(store, m.local.fileBytes(store));
        }
      }
      if (m.sinceCheckpoint >= CHECKPOINT_EVERY_RECORDS) writeTaskCheckpoint(m);
    }
    let internalRecords = 0;
    for (const r of records) if (this.isInternalTopic(r.topic)) internalRecords++;
    return { records: records.length, outputs: records.length - changelogRecords - internalRecords, internalRecords };
  }

  /** Waits until what this partition committed can be read by read_committed consumers. */
  async awaitVisible(): Promise<void> {
    await this.transactional.awaitVisible();
  }

  async close(): Promise<void> {
    for (const m of this.tasks) {
      writeTaskCheckpoint(m);
      m.local.closeFiles();
    }
    await this.transactional.close();
  }
}
