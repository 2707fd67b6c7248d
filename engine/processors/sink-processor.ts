// The end of a branch: serialises a record and hands it to the task, which sends it with the next
// commit (in the same transaction as the state changes and input offsets under exactly-once).
import type { ProduceRecord } from '../backend/backend.ts';
import type { Serde } from '../serdes/serde.ts';
import type { Processor, ProcessorContext } from './processor.ts';

/** The task's outbox; a sink's context implements it. */
export interface RecordCollector {
  send(record: ProduceRecord): void;
}

export class SinkProcessor<K, V> implements Processor<K, V, never, never> {
  private collector!: RecordCollector;

  constructor(
    private readonly topic: string,
    private readonly keySerde: Serde<K>,
    private readonly valueSerde: Serde<V>,
  ) {}

  init(ctx: ProcessorContext<never, never>): void {
    this.collector = ctx as unknown as RecordCollector;
  }

  process(key: K, value: V, timestamp: number): void {
    this.collector.send({
      topic: this.topic,
      key: key === null || key === undefined ? null : this.keySerde.serialize(key),
      value: value === null || value === undefined ? null : this.valueSerde.serialize(value),
      timestamp,
    });
  }
}

/** The default key serde of sinks: strings as UTF-8, windowed keys as their grouping key. */
export const sinkKeySerde: Serde<unknown> = {
  serialize: (k) => {
    if (k === null || k === undefined) return null;
    if (typeof k === 'string') return Buffer.from(k, 'utf8');
    if (typeof k === 'object' && 'key' in (k as object) && typeof (k as { key: unknown }).key === 'string')
      return Buffer.from((k as { key: string }).key, 'utf8');
    return Buffer.from(JSON.stringify(k), 'utf8');
  },
  deserialize: (b) => (b === null ? null : b.toString('utf8')),
};
