// `riskstream connect file` as a user runs it: a child process on a real embedded data dir. Its exit
// status says whether the load was clean; the summary is on stderr whatever the status.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createEmbeddedBackend } from '../../engine/index.ts';
import { cliOutcome } from '../../pipelines/testing/cli-process.ts';

const root = mkdtempSync(join(tmpdir(), 'rs-connect-cli-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const GOOD = JSON.stringify({
  event_id: 'e1',
  tenant_id: 't',
  event_time: 1_704_067_200_000,
  transaction_id: 'x1',
  customer_id: 'c1',
  account_id: 'a1',
  amount_cents: 500,
  direction: 'DEBIT',
  currency: 'GBP',
  merchant: 'Tesco',
  description: 'Groceries',
  category: null,
  channel: 'CARD',
});

function fileOf(name: string, lines: string[]): string {
  const file = join(root, name);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

function connect(dataDir: string, ...args: string[]) {
  return cliOutcome(dataDir, ['connect', 'file', ...args], { env: { RISKSTREAM_BACKEND: 'embedded' } });
}

async function recordCounts(dataDir: string): Promise<Record<string, number>> {
  const backend = createEmbeddedBackend(dataDir);
  const admin = backend.admin();
  const out: Record<string, number> = {};
  for (const t of await admin.listTopics()) out[t.name] = t.endOffsets.reduce((a, b) => a + b, 0);
  await admin.close();
  await backend.close();
  return out;
}

describe('riskstream connect file exit status', () => {
  it('exits 2 when every line was rejected, with the summary on stderr', async () => {
    const dataDir = join(root, 'all-bad');
    const res = connect(dataDir, '--topic', 'transactions', '--path', fileOf('bad.ndjson', ['{oops', '{"event_id": 1}']));
    expect(res.status).toBe(2);
    expect(res.stdout).toBe('{"topic":"transactions","lines":2,"written":0,"dead_lettered":2}\n');
    expect(res.stderr).toContain(`connect: ${join(root, 'bad.ndjson')} → transactions: 2 lines, 0 written, 2 to transactions.dlq\n`);
    expect(res.stderr.trimEnd().split('\n').at(-1)).toBe(
      `riskstream: connect file: all 2 lines of ${join(root, 'bad.ndjson')} rejected, none written (see transactions.dlq)`,
    );
    expect(await recordCounts(dataDir)).toMatchObject({ transactions: 0, 'transactions.dlq': 2 });
  });

  it('exits 2 past --max-errors, 0 within it; the valid lines are loaded either way', async () => {
    const file = fileOf('mixed.ndjson', [GOOD, '{oops', '{oops']);
    const over = connect(join(root, 'over'), '--topic', 'transactions', '--path', file, '--max-errors', '1');
    expect(over.status).toBe(2);
    expect(over.stderr).toContain('3 lines, 1 written, 2 to transactions.dlq');
    expect(over.stderr.trimEnd().split('\n').at(-1)).toBe(
      `riskstream: connect file: 2 of 3 lines of ${file} rejected, more than the 1 allowed (see transactions.dlq)`,
    );
    expect(await recordCounts(join(root, 'over'))).toMatchObject({ transactions: 1, 'transactions.dlq': 2 });

    const within = connect(join(root, 'within'), '--topic', 'transactions', '--path', file, '--max-errors', '2');
    expect(within.status).toBe(0);
    expect(within.stderr).toContain('3 lines, 1 written, 2 to transactions.dlq');
  });

  it('exits 1 on an output topic, one line, nothing written', async () => {
    const dataDir = join(root, 'output');
    const res = connect(dataDir, '--topic', 'risk-features', '--path', fileOf('good.ndjson', [GOOD]));
    expect(res.status).toBe(1);
    expect(res.stdout).toBe('');
    expect(res.stderr).toMatch(
      /^riskstream: connect file: "risk-features" is an output topic, written by a pipeline; connect loads input topics \([a-z, -]+\)\n$/,
    );
    expect(await recordCounts(dataDir)).toEqual({});
  });
});
