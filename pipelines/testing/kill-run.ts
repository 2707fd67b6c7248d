// What the pipelines' kill -9 crash tests share: start `riskstream run ... --until-idle`, watch what it
// has written so far (records committed to a topic, parquet files in the lake) and SIGKILL it at a
// chosen point.
import { readdirSync } from 'node:fs';
import { expect } from 'vitest';
import type { Backend } from '../../engine/index.ts';
import { exited, finished, startCli, type CliOptions } from './cli-process.ts';

export interface KillRunOptions<O> {
  /** The `run` command line. */
  args: readonly string[];
  cli?: CliOptions;
  /** What the kill point looks at, polled while the run runs. */
  observe: () => Promise<O>;
  /** Kill once this holds of an observation. */
  killWhen: (observed: O) => boolean;
  pollMs: number;
  /** A line telling where the run was killed (logged). */
  describe: (observed: O) => string;
}

/**
 * Starts the run and SIGKILLs it as soon as `killWhen` holds. Resolves with what was observed at
 * the kill; rejects if the run finished (or failed) before the kill point came.
 */
export async function killRunWhen<O>(dataDir: string, opts: KillRunOptions<O>): Promise<O> {
  const child = startCli(dataDir, opts.args, opts.cli);
  const outcome = finished(child, opts.args).then(
    () => 'exited 0',
    (err: Error) => err.message,
  );
  try {
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null)
        throw new Error(`run ended before the kill point (${await outcome}): pick an earlier kill point or more events`);
      const o = await opts.observe();
      if (opts.killWhen(o)) {
        child.kill('SIGKILL');
        await exited(child);
        expect(child.signalCode).toBe('SIGKILL');
        console.info(opts.describe(o));
        return o;
      }
      await new Promise((r) => setTimeout(r, opts.pollMs));
    }
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited(child);
  }
}

/** Records committed to `topic` so far (its end offsets added up; 0 before it exists). */
export async function committedRecords(backend: Backend, topic: string): Promise<number> {
  const admin = backend.admin();
  try {
    if ((await admin.partitionCount(topic)) === undefined) return 0;
    return (await admin.endOffsets(topic)).reduce((a, b) => a + b, 0);
  } finally {
    await admin.close();
  }
}

/** Parquet files below `dir` (0 before it exists). */
export function countParquet(dir: string): number {
  try {
    return readdirSync(dir, { recursive: true }).filter((f) => String(f).endsWith('.parquet')).length;
  } catch {
    return 0;
  }
}
