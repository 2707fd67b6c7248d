// The backends every topology test runs on: embedded on a temp dir, and kafka on the broker the
// vitest globalSetup starts (process.env.KAFKA_BROKERS). A kafka test without a broker fails with a
// clear message; it never skips silently.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Backend, LogRecord } from '../backend/backend.ts';
import { BACKEND_RETRY, isRetriable, withBackoff } from '../errors/retry.ts';
import { createEmbeddedBackend } from '../backend/embedded/embedded-backend.ts';

export type BackendKind = 'embedded' | 'kafka';

/** Where the tests' event times start: inside the engine's default event-time bounds. */
export const TEST_EPOCH = Date.UTC(2024, 0, 1);
export const BACKEND_KINDS: BackendKind[] = ['embedded', 'kafka'];

export interface TestEnv {
  kind: BackendKind;
  /** Temp dir for state (and the embedded log). */
  dir: string;
  /** Unique per test, so tests on a shared broker never see each other's topics. */
  prefix: string;
  open(): Promise<Backend>;
  cleanup(): Promise<void>;
}

export class MissingBrokerError extends Error {
  constructor() {
    super('KAFKA_BROKERS is not set: the kafka variant of this test needs a broker (npm test starts one via dev/vitest-global-setup.ts)');
    this.name = 'MissingBrokerError';
  }
}

let counter = 0;

export async function testEnv(kind: BackendKind): Promise<TestEnv> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'riskstream-rt-'));
  return testEnvAt(kind, dir, `t${process.pid}-${Date.now().toString(36)}-${counter++}`);
}

/** A test env on an existing dir and prefix (child processes of a test share the parent's). */
export function testEnvAt(kind: BackendKind, dir: string, prefix: string): TestEnv {
  const opened: Backend[] = [];
  const open = async (): Promise<Backend> => {
    let b: Backend;
    if (kind === 'embedded') b = createEmbeddedBackend(path.join(dir, 'log'));
    else {
      const brokers = process.env.KAFKA_BROKERS;
      if (!brokers) throw new MissingBrokerError();
      // Imported only here: kafkajs is not loaded by embedded-only tests (and a literal path lets a
      // stream thread's bundle hold it).
      const { createKafkaBackend } = await import('../backend/kafka/kafka-backend.ts');
      b = createKafkaBackend({ brokers: brokers.split(','), clientId: prefix });
    }
    opened.push(b);
    return b;
  };
  return {
    kind,
    dir,
    prefix,
    open,
    cleanup: async () => {
      for (const b of opened) await b.close().catch(() => undefined);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Every committed record of a topic, partition by partition. */
export async function readTopic(backend: Backend, topic: string): Promise<LogRecord[]> {
  const ends = await withBackoff(() => backend.admin().endOffsets(topic), isRetriable, BACKEND_RETRY);
  const reader = await backend.partitionReader();
  const out: LogRecord[] = [];
  try {
    for (let p = 0; p < ends.length; p++) {
      for await (const batch of reader.read({ topic, partition: p }, 0, ends[p])) out.push(...batch);
    }
  } finally {
    await reader.close();
  }
  return out;
}

/** A deterministic PRNG (mulberry32) for randomised tests with fixed seeds. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
