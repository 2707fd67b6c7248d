// `riskstream state` as a user runs it: one line for an unknown store (naming the queryable ones),
// for a store whose pipeline never ran and for a bad --limit, exit 1, nothing on stdout.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliOutcome, refusal } from '../pipelines/testing/cli-process.ts';

const root = mkdtempSync(join(tmpdir(), 'rs-cli-state-'));
// An existing (empty) data dir: one that does not exist is refused before the store is looked at.
mkdirSync(join(root, 'data'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const cli = (args: string[]) => cliOutcome(join(root, 'data'), args);

describe('riskstream state', () => {
  it('names the queryable stores when asked for an unknown one', () => {
    for (const args of [
      ['state', 'get', 'nope', 'k'],
      ['state', 'range', 'nope', '--format', 'json'],
    ]) {
      const r = cli(args);
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/^riskstream: unknown state store 'nope' \(queryable: [^\n]+\)\n$/);
      expect(r.stdout).toBe('');
    }
  });

  it("says there is nothing to query yet before the store's pipeline ran, as worklist does", () => {
    const reason = 'nothing to query yet: debtor-priority has not run on this data dir (run `riskstream run debtor-priority` first)';
    for (const args of [['state', 'get', 'worklist', 'dbt-1'], ['state', 'range', 'worklist'], ['worklist']]) {
      expect(cli(['--backend', 'embedded', ...args]), args.join(' ')).toEqual(refusal(reason));
    }
  });

  it('refuses a bad --limit', () => {
    expect(cli(['state', 'range', 'nope', '--limit', '0'])).toEqual(refusal("--limit must be a positive integer, got '0'"));
  });
});
