// The precompiled CLI (npm run build → dist/): it runs what the sources say, finds the files its
// modules read next to themselves (SQL migrations, .avsc schemas) from inside the bundle, and is
// used only while every source it was built from is unchanged.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleIsCurrent, manifestOf } from '../engine/index.ts';
import { CLI_BIN } from '../pipelines/testing/cli-process.ts';
import { buildCli, DIST } from './build.ts';

const ROOT = path.dirname(DIST);
const work = fs.mkdtempSync(path.join(tmpdir(), 'rs-cli-build-'));

function node(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', env: { ...process.env, RISKSTREAM_LOG_LEVEL: 'warn' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(async () => {
  await buildCli();
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe('the CLI bundle', () => {
  it('is current right after the build and prints the same help as the sources through tsx', () => {
    expect(bundleIsCurrent(path.join(DIST, 'manifest.json'), ROOT)).toBe(true);
    const fromBundle = node([path.join(DIST, 'main.js'), '--help']);
    const fromSources = node(['--import', 'tsx', path.join(ROOT, 'cli', 'main.ts'), '--help']);
    expect(fromBundle.status).toBe(0);
    expect(fromBundle.stdout).toContain('riskstream');
    expect(fromBundle.stdout).toBe(fromSources.stdout);
    expect(node([CLI_BIN, '--help']).stdout).toBe(fromSources.stdout);
  });

  it('finds the migrations and the Avro schemas next to their source modules', () => {
    const dataDir = path.join(work, 'data');
    const schemas = node([path.join(DIST, 'main.js'), '--data-dir', dataDir, 'schemas', 'register']);
    expect(schemas.stderr).toBe('');
    expect(schemas.stdout).toContain('transactions-value\t');
    const query = node([path.join(DIST, 'main.js'), '--data-dir', dataDir, 'query', '--format', 'csv', 'SELECT count() FROM transactions']);
    expect(query.stderr).toBe('');
    expect(query.stdout).toBe('"count()"\n0\n');
  });

  it('runs stream threads, whose own bundle the CLI bundle builds with the same import.meta.url plugin', () => {
    const dataDir = path.join(work, 'threads');
    const main = path.join(DIST, 'main.js');
    expect(node([main, '--data-dir', dataDir, 'generate', '--events', '300']).status).toBe(0);
    const run = node([main, '--data-dir', dataDir, 'run', 'all', '--until-idle', '--threads', '2']);
    expect(run.stderr).not.toContain('crashed');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/risk_features\s+[1-9]\d*\n/);
  });
});

describe('bundle manifest', () => {
  it('holds while its inputs keep their size and modification time, and not after an edit', () => {
    const dir = path.join(work, 'project');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'a.ts'), 'export const a = 1;\n');
    fs.writeFileSync(path.join(dir, 'b.ts'), 'export const b = 2;\n');
    const manifestFile = path.join(dir, 'manifest.json');
    fs.writeFileSync(manifestFile, JSON.stringify(manifestOf(['a.ts', 'b.ts'], dir, 'test')));
    expect(bundleIsCurrent(manifestFile, dir)).toBe(true);

    const later = new Date(fs.statSync(path.join(dir, 'b.ts')).mtimeMs + 2_000);
    fs.utimesSync(path.join(dir, 'b.ts'), later, later);
    expect(bundleIsCurrent(manifestFile, dir)).toBe(false);

    fs.writeFileSync(manifestFile, JSON.stringify(manifestOf(['a.ts', 'b.ts'], dir, 'test')));
    fs.rmSync(path.join(dir, 'a.ts'));
    expect(bundleIsCurrent(manifestFile, dir)).toBe(false);
    expect(bundleIsCurrent(path.join(dir, 'missing.json'), dir)).toBe(false);
  });
});
