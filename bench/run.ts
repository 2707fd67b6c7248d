// `npm run bench [-- --json] [-- --only NAME]`: runs every benchmark module in bench/ and prints
// their figures; with --json the last stdout line is one JSON object holding all of them.
// Never part of `npm test`: speed is measured here, not asserted in tests.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

type BenchModule = { run: () => Promise<Record<string, number>> };

const args = process.argv.slice(2);
const asJson = args.includes('--json');
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;

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
  try {
    const result = await mod.run();
    for (const [k, v] of Object.entries(result)) {
      figures[k] = v;
      process.stderr.write(`  ${k.padEnd(24)} ${Number.isInteger(v) ? v : v.toFixed(3)}\n`);
    }
  } catch (err) {
    process.stderr.write(`  ${name} failed: ${(err as Error).message}\n`);
  }
  process.stderr.write(`  (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
}
if (asJson) process.stdout.write(`${JSON.stringify(figures)}\n`);
process.exit(0);
