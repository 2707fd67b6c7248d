// A reconciliation-like topology for the timer crash tests: a debtor's first book record at time t
// sets a timer at t + MATCH_WINDOW_MS; a partner record cancels it; a timer that fires emits one
// MISSING_AT_PARTNER result. A stream-time punctuation emits a per-task summary every 500 ms of
// stream time. Deterministic output (no processing-time fields).
import { StreamsBuilder } from '../dsl/streams-builder.ts';
import type { Processor, ProcessorContext } from '../processors/processor.ts';
import { jsonSerde } from '../serdes/serde.ts';
import { keyValueStore, type KeyValueStore } from '../state/key-value-store.ts';
import { timerStore, type TimerService } from '../state/timer-store.ts';
import type { Topology } from '../topology/topology.ts';
import { seededRandom, TEST_EPOCH } from './test-backends.ts';

export const MATCH_WINDOW_MS = 1000;

export interface BookRecord {
  side: 'book' | 'partner';
  id: number;
}
export type TimerResult =
  | { kind: 'MISSING_AT_PARTNER'; debtor: string; firstBookId: number; due: number }
  | { kind: 'SUMMARY'; task: string; streamTime: number; seen: number };

export const bookSerde = jsonSerde<BookRecord>();
export const timerResultSerde = jsonSerde<TimerResult>();

export function timerCrashTopics(prefix: string): { book: string; out: string } {
  return { book: `${prefix}-book`, out: `${prefix}-out` };
}

class Reconciler implements Processor<string, BookRecord, string, TimerResult> {
  private ctx!: ProcessorContext<string, TimerResult>;
  private timers!: TimerService;
  private firstBook!: KeyValueStore<number>;
  private seen!: KeyValueStore<number>;

  init(ctx: ProcessorContext<string, TimerResult>): void {
    this.ctx = ctx;
    this.firstBook = ctx.getStateStore('first-book');
    this.seen = ctx.getStateStore('seen');
    this.timers = ctx.timers('match-timers', (debtor, due) => {
      const firstBookId = this.firstBook.get(debtor)!;
      this.firstBook.delete(debtor);
      ctx.forward(debtor, { kind: 'MISSING_AT_PARTNER', debtor, firstBookId, due }, due);
    });
    ctx.schedule(500, 'stream-time', (t) =>
      ctx.forward(ctx.taskId, { kind: 'SUMMARY', task: ctx.taskId, streamTime: t, seen: this.seen.get('n') ?? 0 }, t),
    );
  }

  process(debtor: string, r: BookRecord, timestamp: number): void {
    this.seen.put('n', (this.seen.get('n') ?? 0) + 1);
    if (r.side === 'partner') {
      this.timers.cancel(debtor);
      this.firstBook.delete(debtor);
    } else if (this.timers.dueTime(debtor) === undefined) {
      this.firstBook.put(debtor, r.id);
      this.timers.set(debtor, timestamp + MATCH_WINDOW_MS);
    }
  }
}

export function timerCrashTopology(prefix: string): Topology {
  const t = timerCrashTopics(prefix);
  const b = new StreamsBuilder();
  b.addStateStore(timerStore('match-timers')).addStateStore(keyValueStore('first-book')).addStateStore(keyValueStore('seen'));
  b.stream(t.book, { valueSerde: bookSerde })
    .process<string, TimerResult>(() => new Reconciler(), 'match-timers', 'first-book', 'seen')
    .to(t.out, { valueSerde: timerResultSerde });
  return b.build();
}

/** Deterministic input: n book and partner records over 300 debtors, in event-time order. */
export function timerCrashInput(prefix: string, n: number): { topic: string; key: Buffer; value: Buffer | null; timestamp: number }[] {
  const t = timerCrashTopics(prefix);
  const rnd = seededRandom(17);
  const out = [];
  let ts = TEST_EPOCH + 10_000;
  for (let i = 0; i < n; i++) {
    ts += Math.floor(rnd() * 4);
    out.push({
      topic: t.book,
      key: Buffer.from(`d${Math.floor(rnd() * 300)}`),
      value: bookSerde.serialize({ side: rnd() < 0.6 ? 'book' : 'partner', id: i }),
      timestamp: ts,
    });
  }
  return out;
}
