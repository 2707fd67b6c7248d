// Which directories riskstream may delete: its own (marked, or of its own layout), never anyone else's.
// The demo refusal runs the real CLI as a child process.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createEmbeddedBackend } from '../engine/index.ts';
import { claimDataDir, DATA_DIR_MARKER, dataDirKind, resetDataDir } from './data-dir.ts';
import { openEnvironment } from './environment.ts';
import { resolveSettings } from './settings.ts';

const root = mkdtempSync(join(tmpdir(), 'rs-datadir-'));
const CLI = fileURLToPath(new URL('../bin/riskstream.js', import.meta.url));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function userDir(name: string): string {
  const dir = join(root, name);
  mkdirSync(join(dir, 'photos'), { recursive: true });
  writeFileSync(join(dir, 'thesis.tex'), 'chapter one');
  writeFileSync(join(dir, 'photos', 'cat.jpg'), 'jpeg bytes');
  return dir;
}

describe('data dir marker', () => {
  it('an environment opened on a new data dir marks it, and demo may then reset it', async () => {
    const dir = join(root, 'fresh');
    const env = await openEnvironment(resolveSettings({ dataDir: dir }, {}));
    const admin = env.backend.admin();
    await admin.createTopics([{ name: 'transactions', partitions: 1 }]);
    await admin.close();
    await env.close();
    expect(readdirSync(dir).sort()).toEqual([DATA_DIR_MARKER, 'log', 'registry']);
    expect(readFileSync(join(dir, DATA_DIR_MARKER), 'utf8')).toMatch(/^riskstream data dir, created \d{4}-/);
    expect(dataDirKind(dir)).toBe('riskstream');
    resetDataDir(dir);
    expect(existsSync(dir)).toBe(false);
  });

  it("a data dir of an earlier release (riskstream's layout, no marker) is recognised, marked and reset", async () => {
    const dir = join(root, 'legacy');
    const backend = createEmbeddedBackend(dir);
    const admin = backend.admin();
    await admin.createTopics([{ name: 'transactions', partitions: 1 }]);
    await admin.close();
    await backend.close();
    mkdirSync(join(dir, 'state', 'risk-features'), { recursive: true });
    expect(existsSync(join(dir, 'log', 'manifest.json'))).toBe(true);
    expect(existsSync(join(dir, DATA_DIR_MARKER))).toBe(false);
    expect(claimDataDir(dir)).toBe('riskstream');
    expect(existsSync(join(dir, DATA_DIR_MARKER))).toBe(true);
    resetDataDir(dir);
    expect(existsSync(dir)).toBe(false);
  });

  it("a dir holding riskstream's layout and someone's files is not riskstream's: not marked, not reset", async () => {
    const dir = userDir('mixed');
    await createEmbeddedBackend(dir).close();
    expect(claimDataDir(dir)).toBe('foreign');
    expect(existsSync(join(dir, DATA_DIR_MARKER))).toBe(false);
    expect(() => resetDataDir(dir)).toThrow(/refusing to reset .*mixed: not empty and not a riskstream data dir/);
    expect(readFileSync(join(dir, 'thesis.tex'), 'utf8')).toBe('chapter one');
  });

  it('an empty dir is claimed', () => {
    const dir = join(root, 'empty');
    mkdirSync(dir);
    expect(claimDataDir(dir)).toBe('empty');
    expect(readdirSync(dir)).toEqual([DATA_DIR_MARKER]);
  });
});

describe('riskstream demo --data-dir on a directory that is not a data dir', () => {
  it('refuses with one line and a non-zero exit, and every file survives', () => {
    const dir = userDir('home');
    const before = readdirSync(dir, { recursive: true }).sort();
    const res = spawnSync(process.execPath, [CLI, '--data-dir', dir, 'demo', '--events', '10'], {
      encoding: 'utf8',
      env: { ...process.env, RISKSTREAM_BACKEND: 'embedded' },
    });
    expect(res.status).toBe(1);
    expect(res.stdout).toBe('');
    expect(res.stderr).toBe(
      `riskstream: refusing to reset ${dir}: not empty and not a riskstream data dir (no ${DATA_DIR_MARKER}); pass another --data-dir, or --keep to use it as it is\n`,
    );
    expect(readdirSync(dir, { recursive: true }).sort()).toEqual(before);
    expect(readFileSync(join(dir, 'thesis.tex'), 'utf8')).toBe('chapter one');
    expect(readFileSync(join(dir, 'photos', 'cat.jpg'), 'utf8')).toBe('jpeg bytes');
  });

  it('resets a riskstream data dir as before: the old content is gone, a fresh marked one is left', () => {
    const dir = join(root, 'ours');
    claimDataDir(dir);
    mkdirSync(join(dir, 'state'));
    writeFileSync(join(dir, 'state', 'stale-checkpoint'), 'old');
    const res = spawnSync(process.execPath, [CLI, '--data-dir', dir, '--log-level', 'silent', 'demo', '--events', '200'], {
      encoding: 'utf8',
      env: { ...process.env, RISKSTREAM_BACKEND: 'embedded' },
    });
    expect(res.status).toBe(0);
    expect(res.stdout).toMatch(/^riskstream demo: done in /);
    expect(existsSync(join(dir, 'state', 'stale-checkpoint'))).toBe(false);
    expect(existsSync(join(dir, DATA_DIR_MARKER))).toBe(true);
    expect(existsSync(join(dir, 'log', 'manifest.json'))).toBe(true);
  });
});
