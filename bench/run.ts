// `npm run bench [-- --json] [-- --only NAME] [-- --repeat N] [-- --no-kafka]`: runs every benchmark
// module in bench/ and prints their figures; with --json the last stdout line is one JSON object
// holding all of them. With --repeat, each module runs N times and each figure is the median of its
// runs (the range is printed beside it). The Kafka figures run against $KAFKA_BROKERS, or else a
// broker started here as `npm test` starts one; --no-kafka leaves them out. Never part of
// `npm test`: speed is measured here, not asserted in tests.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startDevServices } from '../dev/services.ts';
import { summarizeRuns } from './repeated-runs.ts';

type BenchModule = { run: () => Promise<Record<string, number>> };

const args = process.argv.slice(2);
const asJson = args.includes('--json');
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
const repeatArg = args.includes('--repeat') ? args[args.indexOf('--repeat') + 1] : '1';
const repeat = Number(repeatArg);
if (!Number.isInteger(repeat) || repeat < 1) {
  process.stderr.write(`bench: --repeat needs a whole number of runs (1 or more), got "${repeatArg ?? ''}"\n`);
  process.exit(2);
}

let stopKafka: (() => Promise<void>) | undefined;
if (args.includes('--no-kafka')) {
  delete process.env.KAFKA_BROKERS;
  process.stderr.write('bench: --no-kafka: the Kafka figures are left out\n');
} else if (!process.env.KAFKA_BROKERS) {
  process.stderr.write('bench: KAFKA_BROKERS unset, starting a local Kafka broker for the Kafka figures (--no-kafka skips them) ...\n');
  const services = await startDevServices({ only: ['kafka'] });
  Object.assign(process.env, services.env);
  stopKafka = services.stop;
  process.stderr.write(`bench: Kafka at ${process.env.KAFKA_BROKERS}\n`);
}

const dir = fileURLToPath(new URL('.', import.meta.url));
const names = readdirSync(dir)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts' && !f.endsWith('.test.ts'))
  .map((f) => f.replace(/\.ts$/, ''))
  .filter((n) => !only || n === only)
  .sort();

const figures: Record<string, number> = {};
for (const name of names) {
  const mod = (await import(`./${name}.ts`)) as Partial<BenchModule>;
  if (typeof mod.run !== 'function') continue;
  process.stderr.write(`bench ${name} ...\n`);
  const started = Date.now();
  const runs: Record<string, number>[] = [];
  for (let i = 1; i <= repeat; i++) {
    try {
      runs.push(await mod.run());
    } catch (err) {
      process.stderr.write(`  ${name} failed${repeat > 1 ? ` (run ${i} of ${repeat})` : ''}: ${(err as Error).message}\n`);
    }
  }
  for (const [k, f] of Object.entries(summarizeRuns(runs))) {
    figures[k] = f.median;
    const shown = (v: number): string => (Number.isInteger(v) ? String(v) : v.toFixed(3));
    const range = f.runs > 1 ? `   (median of ${f.runs}: ${shown(f.min)} .. ${shown(f.max)})` : '';
    process.stderr.write(`  ${k.padEnd(24)} ${shown(f.median)}${range}\n`);
  }
  process.stderr.write(`  (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
}
await stopKafka?.();
if (asJson) process.stdout.write(`${JSON.stringify(figures)}\n`);
process.exit(0);
