import type { Command } from 'commander';
import { join } from 'node:path';
import type { Environment } from '../../app/environment.ts';
import { runGenerator } from '../../connectors/sources/generator/run-generator.ts';
import { formatCount, ProgressLine } from '../progress.ts';
import { nonNegativeInt, positiveInt, print, withEnvironment } from '../session.ts';

export default async function generate(program: Command, opts: { events: string; seed: string; rate?: string }): Promise<void> {
  const events = positiveInt(opts.events, '--events');
  const seed = nonNegativeInt(opts.seed, '--seed');
  const rate = opts.rate === undefined ? undefined : positiveInt(opts.rate, '--rate');
  await withEnvironment(program, async (env) => {
    const counts = await generateInto(env, { events, seed, rate });
    for (const [topic, n] of Object.entries(counts)) print(`${topic}\t${n}`);
  });
}

export async function generateInto(
  env: Environment,
  opts: { events: number; seed: number; rate?: number },
): Promise<Record<string, number>> {
  const producer = await env.backend.producer();
  const admin = env.backend.admin();
  const progress = new ProgressLine();
  const started = Date.now();
  try {
    const counts = await runGenerator({
      producer,
      serde: env.serde,
      admin,
      events: opts.events,
      seed: opts.seed,
      rate: opts.rate,
      labelsPath: join(env.settings.dataDir, 'generated', 'labels.csv'),
      discrepanciesPath: join(env.settings.dataDir, 'generated', 'discrepancies.csv'),
      onProgress: (done, total) =>
        progress.update(
          `generate: ${formatCount(done)} / ${formatCount(total)} events (${Math.round((100 * done) / Math.max(1, total))}%)`,
        ),
    });
    progress.done(`generate: ${formatCount(opts.events)} events in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return counts;
  } finally {
    progress.done();
    await admin.close();
    await producer.close();
  }
}
