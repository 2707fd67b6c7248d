// The embedded group consumer: the group's only member, so it owns every partition of the topics
// it subscribes to. Membership is a lock file held for the consumer's lifetime, so a second
// member in any process fails fast instead of double-processing. Topics created after subscribe
// are assigned (and deleted ones revoked) as the manifest changes, as a Kafka rebalance would.
//
// Stream threads: the process holds the member lock (Backend.holdGroup) and each of its N threads
// runs a consumer for a fixed share, the partitions p with p % N === its index. Inputs of a task
// share a partition number, so a task never straddles two threads.
import type { GroupConsumer, LogRecord, RebalanceListener, StreamThreadSlot, TopicPartition, TopicPartitionOffset } from '../backend.ts';
import { ClosedError, GroupActiveError, GroupMemberConflictError, UnknownPartitionError } from '../errors.ts';
import type { EmbeddedLog } from './embedded-log.ts';
import type { FileLock } from './file-lock.ts';
import { PartitionCursor } from './partition-cursor.ts';

/** How often a waiting poll looks for other processes' commits. */
const POLL_INTERVAL_MS = 10;

interface Assigned {
  tp: TopicPartition;
  topicId: string;
  cursor: PartitionCursor;
  /** A seek() not applied yet (applied lazily, against the committed end then). */
  pendingSeek: number | undefined;
  /** pause()d: not read until resume(). */
  paused: boolean;
}

export function groupTaken(log: EmbeddedLog, groupId: string, member: FileLock): GroupMemberConflictError {
  const owner = member.liveOwner();
  return new GroupMemberConflictError(
    `consumer group "${groupId}" already has an active member (pid ${owner?.pid ?? '?'}) on ${log.dir}; ` +
      'the embedded backend allows one member process per group (use stream threads to use more cores)',
  );
}

/** Another process (or consumer) is a member of a group this process wants idle. */
export function groupActive(log: EmbeddedLog, groupId: string, member: FileLock): GroupActiveError {
  return new GroupActiveError(`consumer group "${groupId}" has an active member (pid ${member.liveOwner()?.pid ?? '?'}) on ${log.dir}`);
}

export class EmbeddedGroupConsumer implements GroupConsumer {
  private readonly member: FileLock;
  private topics: string[] = [];
  private listener: RebalanceListener | undefined;
  private assigned: Assigned[] = [];
  private readonly byName = new Map<string, Assigned>();
  private assignedGeneration = -1;
  private nextStart = 0;
  private closed = false;

  constructor(
    private readonly log: EmbeddedLog,
    readonly groupId: string,
    private readonly thread?: StreamThreadSlot,
  ) {
    this.member = log.groupMemberLock(groupId);
  }

  async subscribe(topics: string[], listener: RebalanceListener): Promise<void> {
    this.ensureOpen();
    if (this.thread !== undefined) {
      // The member lock belongs to the process, taken by holdGroup before its threads started.
      if (this.member.liveOwner()?.pid !== process.pid) {
        throw new GroupMemberConflictError(
          `stream thread ${this.thread.index + 1} of ${this.thread.count} of consumer group "${this.groupId}" needs the group held by its process (Backend.holdGroup) on ${this.log.dir}`,
        );
      }
    } else if (!this.member.isHeld && !this.member.tryAcquire()) {
      throw groupTaken(this.log, this.groupId, this.member);
    }
    this.topics = [...new Set(topics)];
    this.listener = listener;
    this.log.refresh();
    await this.syncAssignment(true);
  }

  async poll(maxRecords: number, timeoutMs: number): Promise<LogRecord[]> {
    this.ensureOpen();
    const deadline = Date.now() + timeoutMs;
    const out: LogRecord[] = [];
    for (;;) {
      await this.syncAssignment(false);
      this.readAvailable(maxRecords, out);
      if (out.length > 0) return out;
      if (this.log.refresh()) continue;
      const left = deadline - Date.now();
      if (left <= 0 || this.closed) return out;
      await this.log.waitForCommit(Math.min(left, POLL_INTERVAL_MS));
      this.log.refresh();
    }
  }

  /** The end in the manifest as last read (refreshEnds reads it again): ends never move back. */
  knownEnd(tp: TopicPartition): number | undefined {
    return this.log.manifest.topics[tp.topic]?.partitions[tp.partition]?.end;
  }

  async refreshEnds(): Promise<void> {
    this.ensureOpen();
    this.log.refresh();
  }

  assignedAnyOf(partitions: number[]): boolean {
    return this.assigned.some((a) => partitions.includes(a.tp.partition));
  }

  positions(): TopicPartitionOffset[] {
    return this.assigned.map((a) => ({ ...a.tp, offset: a.pendingSeek ?? a.cursor.offset }));
  }

  async caughtUp(): Promise<boolean> {
    this.ensureOpen();
    this.log.refresh();
    await this.syncAssignment(false);
    return this.assigned.every((a) => (a.pendingSeek ?? a.cursor.offset) >= this.committedEnd(a));
  }

  seek(tp: TopicPartitionOffset): void {
    const assigned = this.byName.get(`${tp.topic}\u0000${tp.partition}`);
    if (assigned === undefined) {
      throw new UnknownPartitionError(`cannot seek ${tp.topic}-${tp.partition}: not assigned to this consumer of group "${this.groupId}"`);
    }
    assigned.pendingSeek = tp.offset;
  }

  pause(tps: TopicPartition[]): void {
    for (const tp of tps) {
      const a = this.byName.get(`${tp.topic}\u0000${tp.partition}`);
      if (a !== undefined) a.paused = true;
    }
  }

  resume(tps: TopicPartition[]): void {
    for (const tp of tps) {
      const a = this.byName.get(`${tp.topic}\u0000${tp.partition}`);
      if (a !== undefined) a.paused = false;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const a of this.assigned) a.cursor.close();
    this.assigned = [];
    this.byName.clear();
    this.member.release();
  }

  private committedEnd(a: Assigned): number {
    return this.log.manifest.topics[a.tp.topic]?.partitions[a.tp.partition]?.end ?? 0;
  }

  /** Round-robin over unpaused partitions from a rotating start, an even share each, then fill up. */
  private readAvailable(maxRecords: number, out: LogRecord[]): void {
    const active = this.assigned.filter((a) => !a.paused);
    const n = active.length;
    if (n === 0) return;
    const share = Math.max(1, Math.ceil(maxRecords / n));
    const start = this.nextStart++ % n;
    for (let pass = 0; pass < 2 && out.length < maxRecords; pass++) {
      for (let i = 0; i < n && out.length < maxRecords; i++) {
        const a = active[(start + i) % n];
        const committed = this.log.manifest.topics[a.tp.topic]?.partitions[a.tp.partition];
        if (committed === undefined) continue;
        if (a.pendingSeek !== undefined) {
          a.cursor.seek(a.pendingSeek, committed);
          a.pendingSeek = undefined;
        }
        const limit = pass === 0 ? Math.min(share, maxRecords - out.length) : maxRecords - out.length;
        a.cursor.read(committed, limit, out);
      }
    }
  }

  /** Aligns the assignment with the subscribed topics as they exist in the manifest now. */
  private async syncAssignment(initial: boolean): Promise<void> {
    const manifest = this.log.manifest;
    if (!initial && manifest.generation === this.assignedGeneration) return;
    this.assignedGeneration = manifest.generation;
    const wanted: { tp: TopicPartition; topicId: string }[] = [];
    for (const topic of this.topics) {
      const state = manifest.topics[topic];
      if (state === undefined) continue;
      for (let p = 0; p < state.partitions.length; p++) {
        if (this.thread === undefined || p % this.thread.count === this.thread.index)
          wanted.push({ tp: { topic, partition: p }, topicId: state.id });
      }
    }
    const wantedKeys = new Set(wanted.map((w) => `${w.tp.topic}\u0000${w.tp.partition}\u0000${w.topicId}`));
    const revoked = this.assigned.filter((a) => !wantedKeys.has(`${a.tp.topic}\u0000${a.tp.partition}\u0000${a.topicId}`));
    if (revoked.length > 0) {
      await this.listener?.onRevoked(revoked.map((a) => a.tp));
      for (const a of revoked) {
        a.cursor.close();
        this.byName.delete(`${a.tp.topic}\u0000${a.tp.partition}`);
      }
      this.assigned = this.assigned.filter((a) => !revoked.includes(a));
    }
    const added: Assigned[] = [];
    for (const w of wanted) {
      const name = `${w.tp.topic}\u0000${w.tp.partition}`;
      if (this.byName.has(name)) continue;
      const state = manifest.topics[w.tp.topic];
      const committed = manifest.groups[this.groupId]?.[w.tp.topic]?.[w.tp.partition] ?? null;
      const end = state.partitions[w.tp.partition].end;
      // Like auto.offset.reset=earliest: nothing committed, or out of range (topic recreated).
      const start = committed === null || committed > end ? 0 : committed;
      const cursor = new PartitionCursor(this.log.paths(w.tp.topic, state, w.tp.partition), w.tp.topic, w.tp.partition);
      const a: Assigned = { tp: w.tp, topicId: w.topicId, cursor, pendingSeek: start, paused: false };
      this.byName.set(name, a);
      added.push(a);
    }
    if (added.length > 0) {
      this.assigned.push(...added);
      await this.listener?.onAssigned(added.map((a) => a.tp));
    }
  }

  private ensureOpen(): void {
    if (this.closed) throw new ClosedError(`consumer of group "${this.groupId}" is closed`);
  }
}
