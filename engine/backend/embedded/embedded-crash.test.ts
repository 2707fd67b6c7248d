// kill -9 at random instants while a child commits batches; after every kill the log must hold
// exactly the whole batches the group offset says were committed: no partial batch, no torn record.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import type { LogRecord } from '../backend.ts';
import { createEmbeddedBackend } from './embedded-backend.ts';
// A fixed seed gives the same kill delays on every run.
import { seededRandom } from '../../testing/test-backends.ts';
import { batchShape, CRASH_GROUP, recordValue, SEQ_TOPIC, TOPIC_A, TOPIC_B } from './crash-writer.fixture.ts';

const KILLS = 6;
const writerScript = fileURLToPath(new URL('./crash-writer.fixture.ts', import.meta.url));

/** Starts the writer, waits until it commits, lets it run `delayMs`, then SIGKILLs it. */
async function runAndKill(dataDir: string, delayMs: number): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', writerScript, dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
    child.on('exit', (code) => reject(new Error(`crash writer exited early (${code}): ${stderr}`)));
  });
  await new Promise((resolve) => setTimeout(resolve, delayMs));
  child.kill('SIGKILL');
  await exited;
}

async function readAll(backend: ReturnType<typeof createEmbeddedBackend>, topic: string): Promise<LogRecord[][]> {
  const ends = await backend.admin().endOffsets(topic);
  const reader = await backend.partitionReader();
  const perPartition: LogRecord[][] = [];
  for (let p = 0; p < ends.length; p++) {
    const records: LogRecord[] = [];
    for await (const batch of reader.read({ topic, partition: p }, 0, ends[p])) records.push(...batch);
    expect(records.map((r) => r.offset)).toEqual(Array.from({ length: ends[p] }, (_, i) => i));
    perPartition.push(records);
  }
  await reader.close();
  return perPartition;
}

it('keeps whole batches only across repeated kill -9 of a committing writer', { timeout: 120_000 }, async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'riskstream-crash-'));
  const random = seededRandom(20240611);
  let previous = 0;
  try {
    for (let round = 0; round < KILLS; round++) {
      await runAndKill(dataDir, 30 + Math.floor(random() * 300));
      const backend = createEmbeddedBackend(dataDir);
      const [committedBatches] = await backend.admin().committedOffsets(CRASH_GROUP, SEQ_TOPIC);
      const batches = committedBatches ?? 0;
      expect(batches).toBeGreaterThanOrEqual(previous); // a kill never loses a committed batch
      previous = batches;

      for (const topic of [TOPIC_A, TOPIC_B]) {
        if ((await backend.admin().partitionCount(topic)) === undefined) {
          expect(batches).toBe(0); // killed before the topics were created
          continue;
        }
        const perPartition = await readAll(backend, topic);
        const seen = new Map<number, number[]>();
        for (const records of perPartition) {
          for (const r of records) {
            const [n, t, i] = r.value!.toString('latin1', 0, 40).split(':');
            expect(t).toBe(topic);
            const list = seen.get(Number(n)) ?? [];
            list.push(Number(i));
            seen.set(Number(n), list);
            const shape = batchShape(Number(n));
            expect(r.value!.equals(recordValue(Number(n), topic, Number(i), shape.valueBytes))).toBe(true);
            if (topic === TOPIC_A) expect(r.headers).toEqual({ batch: n });
            else expect(r.timestamp).toBe(Number(n));
          }
        }
        // Exactly batches 0 .. batches-1, each complete.
        expect([...seen.keys()].sort((x, y) => x - y)).toEqual(Array.from({ length: batches }, (_, n) => n));
        for (const [n, indexes] of seen) {
          const expected = topic === TOPIC_A ? batchShape(n).a : batchShape(n).b;
          expect(indexes.sort((x, y) => x - y)).toEqual(Array.from({ length: expected }, (_, i) => i));
        }
      }
      await backend.close();
    }
    expect(previous).toBeGreaterThan(0);
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
