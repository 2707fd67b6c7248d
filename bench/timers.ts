// Keyed stream-time timers per second on the embedded backend: N records, each setting a timer one
// second of stream time ahead under its own key (so each record also fires the timer set a second
// earlier), through a StreamsApp with exactly-once commits (timer changelog included). Loading the
// input is not timed.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  StreamsApp,
  StreamsBuilder,
  createEmbeddedBackend,
  stringSerde,
  timerStore,
  type Processor,
  type ProcessorContext,
  type TimerService,
} from '../engine/index.ts';

const N = 200_000;
const EPOCH = Date.UTC(2024, 0, 1);

class OneTimerPerRecord implements Processor<string, string, string, string> {
  private timers!: TimerService;
  static fired = 0;

  init(ctx: ProcessorContext<string, string>): void {
    this.timers = ctx.timers('bench-timers', () => OneTimerPerRecord.fired++);
  }

  process(key: string, _value: string, timestamp: number): void {
    this.timers.set(key, timestamp + 1000);
  }
}

export async function run(): Promise<Record<string, number>> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'riskstream-bench-timers-'));
  const backend = createEmbeddedBackend(path.join(dir, 'log'));
  try {
    await backend.admin().createTopics([{ name: 'timer-input', partitions: 1 }]);
    const producer = await backend.producer();
    const records = Array.from({ length: N }, (_, i) => ({
      topic: 'timer-input',
      key: Buffer.from(`k${i}`),
      value: Buffer.from('x'),
      timestamp: EPOCH + i,
    }));
    // The last record moves stream time past every timer.
    records.push({ topic: 'timer-input', key: Buffer.from('end'), value: Buffer.from('x'), timestamp: EPOCH + N + 10_000 });
    for (let i = 0; i < records.length; i += 10_000) await producer.send(records.slice(i, i + 10_000));
    await producer.close();

    const b = new StreamsBuilder();
    b.addStateStore(timerStore('bench-timers'));
    b.stream('timer-input', { valueSerde: stringSerde }).process(() => new OneTimerPerRecord(), 'bench-timers');
    const app = new StreamsApp({ applicationId: 'bench-timers', topology: b.build(), backend, stateDir: path.join(dir, 'state') });
    OneTimerPerRecord.fired = 0;
    const started = process.hrtime.bigint();
    await app.runUntilIdle();
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    await app.stop();
    if (OneTimerPerRecord.fired !== N) throw new Error(`fired ${OneTimerPerRecord.fired} timers, expected ${N}`);
    return { timers_per_s: Math.round(N / seconds) };
  } finally {
    await backend.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
