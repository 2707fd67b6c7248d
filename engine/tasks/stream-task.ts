// A task: partition p of every input topic of one sub-topology, its processors and its state
// stores. Records are taken in event-time order of the partitions' head records (Kafka Streams'
// PartitionGroup), so the result does not depend on which topic was loaded first. Processing is
// synchronous; a failing record goes to `<topic>.dlq` and the task carries on.
import type { LogRecord, ProduceRecord, TopicPartitionOffset } from '../backend/backend.ts';
import type { Processor, PunctuationType, RecordOrigin } from '../processors/processor.ts';
import { SinkProcessor } from '../processors/sink-processor.ts';
import { KeyValueStore } from '../state/key-value-store.ts';
import { changelogTopicOf, type StateStore } from '../state/state-store.ts';
import { TimerStore, type TimerService } from '../state/timer-store.ts';
import { resolveTopic, type SourceNodeSpec, type SubTopology } from '../topology/topology.ts';
import { deadLetterOf } from './dead-letters.ts';
import { DEFAULT_EVENT_TIME_BOUNDS, EventTimeOutOfRangeError, eventTimeOutOfRange, type EventTimeBounds } from './event-time-bounds.ts';
import { NodeContext, type TaskServices } from './node-context.ts';
import { PartitionQueue } from './partition-queue.ts';

interface SourceRuntime {
  spec: SourceNodeSpec;
  ctx: NodeContext;
}

interface StreamTimePunctuator {
  /** Key of its next due time in the stream-time store. */
  stateKey: string;
  interval: number;
  /** -Infinity: fires at the next record. */
  next: number;
  callback: (time: number) => void;
}

interface KeyedTimers {
  store: TimerStore;
  onTimer: (key: string, dueTime: number) => void;
}

export class TimerSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TimerSetupError';
  }
}

interface WallClockPunctuator {
  interval: number;
  next: number;
  callback: (time: number) => void;
}

export function streamTimeStoreName(subTopologyId: number): string {
  return `stream-time-${subTopologyId}`;
}

export function taskIdOf(subTopologyId: number, partition: number): string {
  return `${subTopologyId}_${partition}`;
}

export interface TaskCommitData {
  records: ProduceRecord[];
  offsets: TopicPartitionOffset[];
  /** Changelog entries per store, in the order they are in `records`. */
  changelog: Map<string, ProduceRecord[]>;
  /**
   * Stores whose changelog is their source topic: their entries are in `changelog` (for the local
   * copy) but not in `records`, and they reflect the source up to this offset.
   */
  sourceChangelogNext: Map<string, number>;
}

export class StreamTask implements TaskServices {
  readonly taskId: string;
  streamTime = -Infinity;
  readonly queues: PartitionQueue[] = [];
  readonly stores = new Map<string, StateStore>();
  private readonly sources: SourceRuntime[] = [];
  private readonly processors: { name: string; processor: Processor<unknown, unknown, unknown, unknown> }[] = [];
  private readonly streamTimeListeners: ((t: number) => void)[] = [];
  private readonly streamTimePunctuators: StreamTimePunctuator[] = [];
  private readonly wallClockPunctuators: WallClockPunctuator[] = [];
  private readonly keyedTimers: KeyedTimers[] = [];
  /** Stream-time punctuators or keyed timers exist: look for due ones after each record. */
  private timed = false;
  /** Keyed timers fired since the task started (metrics, bench). */
  timersFired = 0;
  private outbox: ProduceRecord[] = [];
  private current: LogRecord | undefined;
  private committedStreamTime = -Infinity;
  private readonly streamTimeStore: KeyValueStore<number> | undefined;
  /** Stores whose changelog is a source topic -> that topic's queue. */
  private readonly sourceChangelogs = new Map<string, PartitionQueue>();
  /** Records processed since the task started (metrics). */
  processedCount = 0;
  dlqCount = 0;
  lateCount = 0;
  private offsetsDirty = false;
  /** Wall-clock time of the batch being processed, and the event times accepted in it. */
  private batchClock = 0;
  private readonly earliestEventTime: number;
  private latestEventTime = Infinity;

  constructor(
    readonly applicationId: string,
    readonly subTopology: SubTopology,
    readonly partition: number,
    private readonly eventTimeBounds: EventTimeBounds = DEFAULT_EVENT_TIME_BOUNDS,
  ) {
    this.taskId = taskIdOf(subTopology.id, partition);
    this.earliestEventTime = eventTimeBounds.minEventTime;
    for (const s of subTopology.stores) this.stores.set(s.name, s.create());
    if (subTopology.stores.length > 0) {
      this.streamTimeStore = new KeyValueStore<number>(streamTimeStoreName(subTopology.id));
      this.stores.set(this.streamTimeStore.name, this.streamTimeStore);
    }
    let sourceIndex = 0;
    for (const node of subTopology.nodes) {
      if (node.kind !== 'source') continue;
      for (const t of node.topics) this.queues.push(new PartitionQueue(resolveTopic(t, applicationId), partition, sourceIndex));
      sourceIndex++;
    }
    for (const s of subTopology.stores) {
      if (s.sourceTopic === undefined) continue;
      const q = this.queueFor(s.sourceTopic);
      if (!q) throw new Error(`store ${s.name} uses topic ${s.sourceTopic} as its changelog, which task ${this.taskId} does not read`);
      this.sourceChangelogs.set(s.name, q);
    }
  }

  /** Changelog topic of each store of the task (including the stream-time store); a source-backed table's is its source topic. */
  changelogTopics(): Map<string, string> {
    const m = new Map<string, string>();
    for (const name of this.stores.keys())
      m.set(name, this.sourceChangelogs.get(name)?.topic ?? changelogTopicOf(this.applicationId, name));
    return m;
  }

  /** Stores whose changelog is a source topic of the task (restored up to its committed offset). */
  sourceChangelogStores(): Set<string> {
    return new Set(this.sourceChangelogs.keys());
  }

  /** Builds the processors; call after the stores are restored. */
  initialize(): void {
    const restored = this.streamTimeStore?.get('t');
    if (restored !== undefined) this.streamTime = this.committedStreamTime = restored;
    const contexts = new Map<string, NodeContext>();
    const instances = new Map<string, Processor<unknown, unknown, unknown, unknown>>();
    for (const node of this.subTopology.nodes) {
      const ctx = new NodeContext(this, node.name, node.kind === 'processor' ? node.stores : []);
      contexts.set(node.name, ctx);
      if (node.kind === 'source') this.sources.push({ spec: node, ctx });
      else if (node.kind === 'sink')
        instances.set(node.name, new SinkProcessor(resolveTopic(node.topic, this.applicationId), node.keySerde, node.valueSerde));
      else instances.set(node.name, node.create());
    }
    for (const node of this.subTopology.nodes) {
      if (node.kind === 'source') continue;
      for (const p of node.parents) contexts.get(p)!.children.push(instances.get(node.name)!);
    }
    // Children first, so a parent's init may already forward to initialised children.
    const ordered = [...this.subTopology.nodes].reverse();
    for (const node of ordered) {
      const inst = instances.get(node.name);
      if (!inst) continue;
      inst.init?.(contexts.get(node.name)!);
      this.processors.push({ name: node.name, processor: inst });
    }
  }

  queueFor(topic: string): PartitionQueue | undefined {
    for (const q of this.queues) if (q.topic === topic) return q;
    return undefined;
  }

  buffered(): number {
    let n = 0;
    for (const q of this.queues) n += q.length;
    return n;
  }

  /** True when an empty queue not known to be at its end stops processing. */
  blockedOn(): PartitionQueue[] {
    const out: PartitionQueue[] = [];
    let anyData = false;
    for (const q of this.queues) {
      if (q.length > 0) anyData = true;
      else if (!q.atEnd) out.push(q);
    }
    return anyData ? out : [];
  }

  /**
   * Processes up to `max` records in timestamp-synchronised order; returns how many. `now` is the
   * wall-clock time of the batch: event times more than the allowed skew ahead of it are refused.
   */
  process(max: number, now: number): number {
    this.batchClock = now;
    const earliest = this.earliestEventTime;
    const latest = (this.latestEventTime = now + this.eventTimeBounds.maxEventTimeSkewMs);
    const queues = this.queues;
    const single = queues.length === 1;
    let n = 0;
    while (n < max) {
      let best: PartitionQueue | undefined;
      if (single) {
        if (queues[0].length === 0) break;
        best = queues[0];
      } else {
        let bestTs = Infinity;
        let blocked = false;
        for (let i = 0; i < queues.length; i++) {
          const q = queues[i];
          if (q.length === 0) {
            if (!q.atEnd) {
              blocked = true;
              break;
            }
            continue;
          }
          // A head out of bounds is taken first: it goes to the DLQ whatever its time, and its
          // partition's later records must not wait behind it.
          const head = q.headTimestamp();
          const ts = head >= earliest && head <= latest ? head : -Infinity;
          if (ts < bestTs) {
            bestTs = ts;
            best = q;
          }
        }
        if (blocked || !best) break;
      }
      this.processRecord(best, best.shift());
      n++;
    }
    if (n > 0) this.offsetsDirty = true;
    return n;
  }

  private processRecord(queue: PartitionQueue, record: LogRecord): void {
    const source = this.sources[queue.sourceIndex];
    this.current = record;
    try {
      const spec = source.spec;
      const key = spec.keySerde.deserialize(record.key);
      const value = spec.valueSerde.deserialize(record.value);
      const ts = spec.timestampOf ? spec.timestampOf(value, record.timestamp) : record.timestamp;
      if (!(ts >= this.earliestEventTime && ts <= this.latestEventTime)) {
        throw new EventTimeOutOfRangeError(eventTimeOutOfRange(ts, this.eventTimeBounds, this.batchClock)!);
      }
      const advanced = ts > this.streamTime;
      if (advanced) this.streamTime = ts;
      source.ctx.forward(key, value, ts);
      if (advanced) this.streamTimeAdvanced();
      // After every record, not only those that moved stream time: a timer set at or before the
      // current stream time fires right after the record that set it.
      if (this.timed) this.fireDue();
    } catch (err) {
      this.toDeadLetters(record, err);
    } finally {
      this.current = undefined;
      this.processedCount++;
    }
  }

  private streamTimeAdvanced(): void {
    const t = this.streamTime;
    const ls = this.streamTimeListeners;
    for (let i = 0; i < ls.length; i++) ls[i](t);
  }

  /** Stream-time punctuators, then keyed timers, due at the current stream time. */
  private fireDue(): void {
    const t = this.streamTime;
    for (const p of this.streamTimePunctuators) {
      if (t < p.next) continue;
      // Kafka Streams' grid: due times are multiples of the interval; a jump over several fires once.
      p.next = (Math.floor(t / p.interval) + 1) * p.interval;
      this.streamTimeStore!.put(p.stateKey, p.next);
      p.callback(t);
    }
    for (const k of this.keyedTimers) this.timersFired += k.store.fireDue(t, k.onTimer);
  }

  private toDeadLetters(record: LogRecord, err: unknown): void {
    this.dlqCount++;
    this.outbox.push(deadLetterOf(record, err instanceof Error ? `${err.name}: ${err.message}` : String(err)));
  }

  punctuateWallClock(now: number): void {
    for (const p of this.wallClockPunctuators) {
      if (now >= p.next) {
        p.next = now + p.interval;
        p.callback(now);
      }
    }
  }

  // ---- TaskServices -------------------------------------------------------------------------

  store(name: string): StateStore {
    const s = this.stores.get(name);
    if (!s) throw new Error(`task ${this.taskId} has no state store ${name}`);
    return s;
  }

  schedule(id: string, intervalMs: number, type: PunctuationType, callback: (time: number) => void): void {
    if (!(intervalMs > 0)) throw new TimerSetupError(`task ${this.taskId}: punctuation interval must be > 0 ms, got ${intervalMs}`);
    if (type === 'wall-clock') {
      this.wallClockPunctuators.push({ interval: intervalMs, next: Date.now() + intervalMs, callback });
      return;
    }
    if (!this.streamTimeStore)
      throw new TimerSetupError(
        `task ${this.taskId}: stream-time punctuation ${id} needs its sub-topology to have a state store, where its next due time is kept (declare one with builder.addStateStore and name it in process())`,
      );
    const stateKey = `punctuator:${id}`;
    this.streamTimePunctuators.push({ stateKey, interval: intervalMs, next: this.streamTimeStore.get(stateKey) ?? -Infinity, callback });
    this.timed = true;
  }

  timers(storeName: string, onTimer: (key: string, dueTime: number) => void): TimerService {
    const store = this.store(storeName);
    if (!(store instanceof TimerStore))
      throw new TimerSetupError(`task ${this.taskId}: state store ${storeName} is not a timer store (declare it with timerStore(name))`);
    if (this.keyedTimers.some((k) => k.store === store))
      throw new TimerSetupError(`task ${this.taskId}: timer store ${storeName} already has a timer callback`);
    this.keyedTimers.push({ store, onTimer });
    this.timed = true;
    return store;
  }

  onStreamTimeAdvance(callback: (streamTime: number) => void): void {
    this.streamTimeListeners.push(callback);
  }

  currentOrigin(): RecordOrigin | undefined {
    const r = this.current;
    return r ? { topic: r.topic, partition: r.partition, offset: r.offset } : undefined;
  }

  sendCurrentRecordTo(topic: string, reason: string): void {
    const r = this.current;
    if (!r) return;
    this.lateCount++;
    this.outbox.push({
      topic,
      key: r.key,
      value: r.value,
      timestamp: r.timestamp,
      headers: { ...r.headers, reason, source_topic: r.topic, source_partition: String(r.partition), source_offset: String(r.offset) },
    });
  }

  send(record: ProduceRecord): void {
    this.outbox.push(record);
  }

  // ---- commit ---------------------------------------------------------------------------------

  /** True when a commit would write anything. */
  hasPendingCommit(): boolean {
    return this.offsetsDirty || this.outbox.length > 0 || this.streamTime !== this.committedStreamTime;
  }

  /** Flushes the write caches and takes the outbox: what the next commit must write atomically. */
  prepareCommit(): TaskCommitData {
    if (this.streamTimeStore && this.streamTime !== this.committedStreamTime) this.streamTimeStore.put('t', this.streamTime);
    const records = this.outbox;
    this.outbox = [];
    const changelog = new Map<string, ProduceRecord[]>();
    const sourceChangelogNext = new Map<string, number>();
    for (const [name, store] of this.stores) {
      const source = this.sourceChangelogs.get(name);
      const topic = source?.topic ?? changelogTopicOf(this.applicationId, name);
      const entries = store.takeChanges();
      if (entries.length === 0) continue;
      const list: ProduceRecord[] = new Array(entries.length);
      for (let i = 0; i < entries.length; i++) list[i] = { topic, partition: this.partition, key: entries[i].key, value: entries[i].value };
      changelog.set(name, list);
      if (source) sourceChangelogNext.set(name, source.processedNext);
      else for (const r of list) records.push(r);
    }
    const offsets: TopicPartitionOffset[] = [];
    for (const q of this.queues)
      if (q.processedNext >= 0) offsets.push({ topic: q.topic, partition: q.partition, offset: q.processedNext });
    return { records, offsets, changelog, sourceChangelogNext };
  }

  /**
   * For drained queues, moves the offset to commit up to the consumer's position: on Kafka,
   * transaction markers take offsets, so "last record + 1" would never reach the end offset.
   */
  advanceDrainedQueues(positionOf: (topic: string, partition: number) => number | undefined): void {
    for (const q of this.queues) {
      if (q.length > 0) continue;
      const pos = positionOf(q.topic, q.partition);
      // Offset 0 of a partition never read is where a group without offsets starts anyway:
      // committing it would cost each task a transaction at start-up and change nothing.
      if (pos === 0 && q.processedNext < 0) continue;
      if (pos !== undefined && pos > q.processedNext) {
        q.processedNext = pos;
        this.offsetsDirty = true;
      }
    }
  }

  markCommitted(): void {
    this.committedStreamTime = this.streamTime;
    this.offsetsDirty = false;
  }

  close(): void {
    for (const p of this.processors) p.processor.close?.();
    for (const q of this.queues) q.clear();
  }
}
