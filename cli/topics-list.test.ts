// `riskstream topics list` as a user runs it: the topics with partitions and records, as a table like
// the other listings, or as json or csv.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliOutcome } from '../pipelines/testing/cli-process.ts';

const root = mkdtempSync(join(tmpdir(), 'rs-topics-list-'));
const dataDir = join(root, 'data');
afterAll(() => rmSync(root, { recursive: true, force: true }));

const cli = (args: string[]) => cliOutcome(dataDir, ['--backend', 'embedded', ...args]);

beforeAll(() => {
  expect(cli(['topics', 'create', '--partitions', '2']).status).toBe(0);
  // One line that is not JSON: nothing on debtors, one record on debtors.dlq.
  writeFileSync(join(root, 'bad.ndjson'), 'not json\n');
  expect(cli(['connect', 'file', '--topic', 'debtors', '--path', join(root, 'bad.ndjson')]).status).toBe(2);
}, 60_000);

describe('riskstream topics list', () => {
  it('prints a table like the other listings', () => {
    const r = cli(['topics', 'list']);
    expect([r.status, r.stderr]).toEqual([0, '']);
    const lines = r.stdout.split('\n');
    expect(lines[0].split(/ +/)).toEqual(['topic', 'partitions', 'records']);
    expect(lines[1]).toMatch(/^-+ +-+ +-+$/);
    const rows = lines.slice(2).map((l) => l.trim().split(/ +/));
    expect(rows.find((f) => f[0] === 'debtors')).toEqual(['debtors', '2', '0']);
    expect(rows.find((f) => f[0] === 'debtors.dlq')).toEqual(['debtors.dlq', '1', '1']);
    expect(r.stdout).not.toContain('\t');
  });

  it('prints json and csv', () => {
    const json = cli(['topics', 'list', '--format', 'json']);
    expect(json.status).toBe(0);
    const rows = json.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as unknown);
    expect(rows).toContainEqual({ topic: 'debtors.dlq', partitions: 1, records: 1 });
    expect(rows).toContainEqual({ topic: 'transactions', partitions: 2, records: 0 });
    const csv = cli(['topics', 'list', '--format', 'csv']).stdout.split('\n');
    expect(csv[0]).toBe('"topic","partitions","records"');
    expect(csv).toContain('"debtors.dlq",1,1');
  });
});
