// Bad input on the command line: one line on stderr naming what is wrong, a non-zero exit, and
// nothing started. Run as a user does, through bin/riskstream.js.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI_BIN } from '../pipelines/testing/cli-process.ts';

const root = mkdtempSync(join(tmpdir(), 'rs-cli-errors-'));
const dataDir = join(root, 'data');
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Runs the CLI; `asUser` runs it as that uid (root ignores file modes: a read-only dir needs another user). */
function cli(args: string[], asUser?: number): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI_BIN, '--log-level', 'warn', ...args], {
    encoding: 'utf8',
    ...(asUser === undefined ? {} : { uid: asUser, gid: asUser }),
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('riskstream refuses bad input in one line', () => {
  it.each([
    [['run', 'all', '--until-idle', '--threads', 'abc'], "--threads must be a positive integer, got 'abc'"],
    [['run', 'all', '--until-idle', '--threads', '0'], "--threads must be a positive integer, got '0'"],
    [['run', 'all', '--until-idle', '--workers', '0'], "--workers must be a positive integer, got '0'"],
    [['run', 'all', '--until-idle', '--workers', '1.5'], "--workers must be a positive integer, got '1.5'"],
    [['generate', '--events', '-3'], "--events must be a positive integer, got '-3'"],
    [['generate', '--seed', 'x'], "--seed must be a non-negative integer, got 'x'"],
  ])('%j', (args, message) => {
    const r = cli(['--data-dir', dataDir, ...args]);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`riskstream: ${message}\n`);
    expect(r.stdout).toBe('');
  });

  it('refuses a query of two statements or with a FORMAT clause', () => {
    const two = cli(['--data-dir', dataDir, 'query', 'SELECT 1; SELECT 2']);
    expect([two.status, two.stderr]).toEqual([1, 'riskstream: the query holds 2 statements; run one at a time\n']);
    const format = cli(['--data-dir', dataDir, 'query', 'SELECT 1 FORMAT JSON']);
    expect([format.status, format.stderr]).toEqual([
      1,
      'riskstream: the query ends in FORMAT JSON: leave it out and choose the output with --format table, json or csv\n',
    ]);
    const one = cli(['--data-dir', dataDir, 'query', '--format', 'csv', "SELECT 'a;b' AS x;"]);
    expect([one.status, one.stdout]).toEqual([0, '"x"\n"a;b"\n']);
  });

  it('says a data dir it cannot write is not writable', () => {
    const readOnly = join(root, 'read-only');
    mkdirSync(readOnly);
    chmodSync(root, 0o755);
    chmodSync(readOnly, 0o555);
    const nobody = process.getuid?.() === 0 ? 65534 : undefined;
    // The other user must reach the checkout: a clone in a `mktemp -d` dir (mode 700) is closed to it.
    // Its ancestors get traversal (o+x) for the test and their modes back afterwards.
    const opened: [string, number][] = [];
    if (nobody !== undefined) {
      for (let d = dirname(CLI_BIN); d !== dirname(d); d = dirname(d)) {
        const mode = statSync(d).mode & 0o7777;
        if ((mode & 0o001) === 0) {
          opened.push([d, mode]);
          chmodSync(d, mode | 0o001);
        }
      }
    }
    try {
      checkNotWritable(readOnly, nobody);
    } finally {
      for (const [d, mode] of opened) chmodSync(d, mode);
    }
  });
});

function checkNotWritable(readOnly: string, nobody: number | undefined): void {
  {
    for (const [dir, args] of [
      [readOnly, ['topics', 'list']],
      [join(readOnly, 'data'), ['run', 'all', '--until-idle']],
      [join(readOnly, 'data'), ['query', 'SELECT 1']],
    ] as const) {
      const r = cli(['--data-dir', dir, ...args], nobody);
      expect(r.status, args.join(' ')).toBe(1);
      expect(r.stderr, args.join(' ')).toMatch(new RegExp(`^riskstream: data dir ${dir} is not writable \\(EACCES\\)\\n$`));
    }
  }
}
