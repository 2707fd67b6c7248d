// The ProcessorContext a task hands each node of its sub-topology: forward goes straight to the
// node's children (direct calls, no queue), everything else delegates to the task.
import type { ProduceRecord } from '../backend/backend.ts';
import type { Processor, ProcessorContext, PunctuationType, RecordOrigin } from '../processors/processor.ts';
import type { RecordCollector } from '../processors/sink-processor.ts';
import type { StateStore } from '../state/state-store.ts';
import type { TimerService } from '../state/timer-store.ts';

/** What a node context needs from its task. */
export interface TaskServices {
  readonly applicationId: string;
  readonly taskId: string;
  readonly partition: number;
  readonly streamTime: number;
  store(name: string): StateStore;
  /** `id` names the punctuator across restarts (node and rank of the call). */
  schedule(id: string, intervalMs: number, type: PunctuationType, callback: (time: number) => void): void;
  timers(storeName: string, onTimer: (key: string, dueTime: number) => void): TimerService;
  onStreamTimeAdvance(callback: (streamTime: number) => void): void;
  currentOrigin(): RecordOrigin | undefined;
  sendCurrentRecordTo(topic: string, reason: string): void;
  send(record: ProduceRecord): void;
}

export class MissingStoreError extends Error {
  constructor(node: string, store: string) {
    super(`processor ${node} asked for state store ${store}, which it did not declare`);
    this.name = 'MissingStoreError';
  }
}

export class NodeContext implements ProcessorContext<unknown, unknown>, RecordCollector {
  children: Processor<unknown, unknown, unknown, unknown>[] = [];
  private scheduled = 0;

  constructor(
    private readonly task: TaskServices,
    readonly nodeName: string,
    private readonly storeNames: readonly string[],
  ) {}

  get applicationId(): string {
    return this.task.applicationId;
  }
  get taskId(): string {
    return this.task.taskId;
  }
  get partition(): number {
    return this.task.partition;
  }
  get streamTime(): number {
    return this.task.streamTime;
  }

  forward(key: unknown, value: unknown, timestamp: number): void {
    const c = this.children;
    for (let i = 0; i < c.length; i++) c[i].process(key, value, timestamp);
  }

  getStateStore<S extends StateStore>(name: string): S {
    if (!this.storeNames.includes(name)) throw new MissingStoreError(this.nodeName, name);
    return this.task.store(name) as S;
  }

  schedule(intervalMs: number, type: PunctuationType, callback: (time: number) => void): void {
    this.task.schedule(`${this.nodeName}#${this.scheduled++}`, intervalMs, type, callback);
  }

  timers(storeName: string, onTimer: (key: string, dueTime: number) => void): TimerService {
    this.getStateStore(storeName); // declared by this node
    return this.task.timers(storeName, onTimer);
  }

  onStreamTimeAdvance(callback: (streamTime: number) => void): void {
    this.task.onStreamTimeAdvance(callback);
  }

  currentOrigin(): RecordOrigin | undefined {
    return this.task.currentOrigin();
  }

  sendCurrentRecordTo(topic: string, reason: string): void {
    this.task.sendCurrentRecordTo(topic, reason);
  }

  send(record: ProduceRecord): void {
    this.task.send(record);
  }
}
