// CLI start-up as a user sees it, run directly (node bin/riskstream.js, no npx): `--help`, and a
// one-line query on a warm demo data dir (median of 5 each, ms), from the precompiled bundle (built
// first when out of date); and `run all --until-idle` with nothing new to do (one run, ms).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCli, DIST } from '../bin/build.ts';
import { bundleIsCurrent } from '../engine/index.ts';
import { CLI_BIN } from '../pipelines/testing/cli-process.ts';

const RUNS = 5;
const DEMO_EVENTS = 5_000;

function timedMs(args: string[]): number {
  const started = performance.now();
  const r = spawnSync(process.execPath, [CLI_BIN, ...args], { encoding: 'utf8', env: { ...process.env, RISKSTREAM_LOG_LEVEL: 'warn' } });
  if (r.status !== 0) throw new Error(`riskstream ${args.join(' ')} failed: ${r.stderr.trim().split('\n').pop() ?? ''}`);
  return performance.now() - started;
}

function medianMs(args: string[]): number {
  const times = Array.from({ length: RUNS }, () => timedMs(args)).sort((a, b) => a - b);
  return Math.round(times[Math.floor(RUNS / 2)]);
}

export async function run(): Promise<Record<string, number>> {
  if (!bundleIsCurrent(join(DIST, 'manifest.json'), join(DIST, '..'))) await buildCli();
  const dataDir = mkdtempSync(join(tmpdir(), 'rs-bench-cli-'));
  try {
    const dir = ['--data-dir', dataDir];
    timedMs([...dir, 'demo', '--events', String(DEMO_EVENTS)]);
    timedMs([...dir, 'run', 'all', '--until-idle']); // the lake commits what the demo left open
    timedMs([...dir, 'query', 'SELECT 1']); // warm: chDB's files in the page cache
    return {
      cli_help_ms: medianMs(['--help']),
      cli_query_ms: medianMs([...dir, 'query', 'SELECT 1']),
      cli_idle_run_ms: Math.round(timedMs([...dir, 'run', 'all', '--until-idle'])),
    };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
