// A reader that stops early (`riskstream ... | head -1`) ends the command quietly with status 0.
// Run as a user does: bin/riskstream.js in a real shell pipe.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI_BIN } from '../pipelines/testing/cli-process.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'rs-closed-stdout-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** `riskstream ARGS | head -1`: the first line, the CLI's exit status and its stderr. */
function firstLineOf(args: string[]): { line: string; status: number; stderr: string } {
  const quoted = [process.execPath, CLI_BIN, '--data-dir', dataDir, '--log-level', 'warn', ...args].map((a) => `'${a}'`).join(' ');
  const r = spawnSync('bash', ['-c', `${quoted} 2>"$ERR" | head -1; echo "$\{PIPESTATUS[0]}"; cat "$ERR"`], {
    encoding: 'utf8',
    env: { ...process.env, ERR: join(dataDir, 'stderr') },
  });
  const [line, status, ...stderr] = r.stdout.split('\n');
  return { line, status: Number(status), stderr: stderr.join('\n') };
}

// 200,000 rows are megabytes: far more than a pipe buffers, so the CLI is still writing when head exits.
const MANY_ROWS = 'SELECT number FROM system.numbers LIMIT 200000';

describe('riskstream writing to a pipe its reader closed', () => {
  it.each([
    ['table', 'number'],
    ['csv', '"number"'],
    ['json', '{"number":0}'],
  ])('query --format %s | head -1 prints one line and exits 0, silently', (format, first) => {
    expect(firstLineOf(['query', '--format', format, MANY_ROWS])).toEqual({ line: first, status: 0, stderr: '' });
  });
});
