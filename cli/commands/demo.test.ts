// `riskstream demo` on a data dir that a running riskstream process owns: refused in one line, and
// nothing in the dir is deleted (the running process keeps its log, state and warehouse).
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { DATA_DIR_MARKER } from '../../app/data-dir.ts';
import { cliOutcome, refusal } from '../../pipelines/testing/cli-process.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'rs-demo-in-use-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

it('refuses to reset a data dir whose warehouse a live process owns, deleting nothing', () => {
  writeFileSync(join(dataDir, DATA_DIR_MARKER), 'riskstream data dir\n');
  mkdirSync(join(dataDir, 'warehouse'));
  mkdirSync(join(dataDir, 'log'));
  writeFileSync(join(dataDir, 'log', 'manifest.json'), '{}');
  // This test's own process stands for the running `riskstream run`: alive, and not the demo.
  const startedAt = '2026-12-08T01:00:00.000Z';
  writeFileSync(join(dataDir, 'warehouse', 'owner.json'), JSON.stringify({ pid: process.pid, started_at: startedAt }));

  expect(cliOutcome(dataDir, ['demo', '--events', '100'])).toEqual(
    refusal(
      `refusing to reset ${dataDir}: riskstream process ${process.pid} (since ${startedAt}) is using it; stop it first, or pass another --data-dir`,
    ),
  );
  expect(readdirSync(dataDir).sort()).toEqual([DATA_DIR_MARKER, 'log', 'warehouse']);
  expect(readdirSync(join(dataDir, 'log'))).toEqual(['manifest.json']);
});
