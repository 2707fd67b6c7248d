// `riskstream review list|resolve` as a user runs them: child processes on a real embedded data dir whose
// warehouse holds reconciliation results and audit steps. A refusal is one line on stderr and exit 1;
// an accepted decision is one Avro review-decisions record on the log, keyed by the debtor.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEnvironment } from '../../app/environment.ts';
import { resolveSettings } from '../../app/settings.ts';
import type { AuditRecord, ReconciliationResult, ReviewDecision } from '../../schemas/types.ts';
import { openWarehouse } from '../../warehouse/open-warehouse.ts';
import { cliOutcome, refusal } from '../../pipelines/testing/cli-process.ts';

const root = mkdtempSync(join(tmpdir(), 'rs-review-cli-'));
const dataDir = join(root, 'data');
afterAll(() => rmSync(root, { recursive: true, force: true }));

const T = Date.UTC(2024, 3, 1);

function result(event_id: string, at: number, fields: Partial<ReconciliationResult>): ReconciliationResult {
  return {
    event_id,
    tenant_id: 'acme',
    event_time: at,
    debtor_id: `dbt-${event_id}`,
    partner_id: 'partner-ace',
    kind: 'AMOUNT_VARIANCE',
    our_balance_cents: 100_000,
    reported_balance_cents: 120_000,
    diff_cents: 20_000,
    our_status: 'ACTIVE',
    reported_status: 'ACTIVE',
    resolution: 'MANUAL_REVIEW',
    rule: null,
    ...fields,
  };
}

function cli(dir: string, ...args: string[]) {
  return cliOutcome(dir, ['review', ...args], { env: { RISKSTREAM_BACKEND: 'embedded' } });
}

beforeAll(async () => {
  const warehouse = await openWarehouse({ kind: 'embedded', dataDir }, { autoMigrate: true });
  try {
    await warehouse.insertRecords('reconciliation-results', [
      result('p-newer', T + 5000, {
        kind: 'MISSING_IN_BOOK',
        partner_id: 'partner-brightline',
        our_balance_cents: null,
        diff_cents: null,
        our_status: null,
      }),
      result('p-older', T, {}),
      result('dbt-7:missing', T + 1000, {
        debtor_id: 'dbt-7',
        kind: 'MISSING_AT_PARTNER',
        reported_balance_cents: null,
        diff_cents: null,
        reported_status: null,
      }),
      result('p-closed', T - 1000, {}),
      result('p-auto', T, { diff_cents: 50, resolution: 'AUTO_RESOLVED', rule: 'within_tolerance' }),
      result('p-pending', T, {}),
    ]);
    const audit = (case_id: string, step: AuditRecord['step'], extra: Partial<AuditRecord> = {}): AuditRecord => ({
      event_id: `${case_id}:${step}`,
      tenant_id: 'acme',
      event_time: T,
      debtor_id: `dbt-${case_id}`,
      case_id,
      step,
      actor: 'pipeline:reconciliation',
      reason: 'AMOUNT_VARIANCE of 20000 cents',
      decision: null,
      decision_event_id: null,
      ...extra,
    });
    await warehouse.insertRecords('audit-log', [
      audit('p-closed', 'DETECTED'),
      audit('p-closed', 'QUEUED_FOR_REVIEW'),
      audit('p-closed', 'RESOLVED', { event_id: 'p-closed:RESOLVED:r-1', actor: 'bob', decision: 'keep_ours', decision_event_id: 'r-1' }),
      audit('p-older', 'DETECTED'),
      audit('p-older', 'QUEUED_FOR_REVIEW'),
      // A decision refused earlier (it raced another) does not make a case pending.
      audit('p-older', 'REFUSED', { event_id: 'p-older:REFUSED:r-0', actor: 'eve', decision: 'write_off', decision_event_id: 'r-0' }),
    ]);
    const decision = (event_id: string, case_id: string): ReviewDecision => ({
      event_id,
      tenant_id: 'acme',
      event_time: T,
      debtor_id: `dbt-${case_id}`,
      case_id,
      decision: 'accept_partner',
      decided_by: 'carol',
      decided_at: T + 10_000,
      reason: 'statement attached',
    });
    await warehouse.insertRecords('review-decisions', [
      decision('r-1', 'p-closed'),
      decision('r-0', 'p-older'),
      decision('r-2', 'p-pending'),
    ]);
  } finally {
    await warehouse.close();
  }
}, 120_000);

describe('riskstream review list', () => {
  it('shows the open cases oldest first with both sides, the difference and both statuses', () => {
    const res = cli(dataDir, 'list', '--format', 'json');
    expect(res.stderr).toBe('');
    expect(res.status).toBe(0);
    const rows = res.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows.map((r) => r.case_id)).toEqual(['p-older', 'dbt-7:missing', 'p-newer']);
    expect(rows[0]).toEqual({
      case_id: 'p-older',
      detected_at: '2024-04-01 00:00:00.000',
      kind: 'AMOUNT_VARIANCE',
      debtor_id: 'dbt-p-older',
      partner_id: 'partner-ace',
      tenant_id: 'acme',
      our_balance_cents: 100000,
      reported_balance_cents: 120000,
      diff_cents: 20000,
      our_status: 'ACTIVE',
      reported_status: 'ACTIVE',
    });
  });

  it("--partner keeps that partner's cases", () => {
    const res = cli(dataDir, 'list', '--partner', 'partner-brightline', '--format', 'csv');
    expect(res.status).toBe(0);
    expect(
      res.stdout
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => l.split(',')[0]),
    ).toEqual(['"p-newer"']);
  });
});

describe('riskstream review resolve', () => {
  it.each([
    [
      'a decision name that does not exist',
      ['p-older', '--decision', 'forgive'],
      "review resolve: no decision 'forgive' (decisions: accept_partner, keep_ours, write_off)",
    ],
    [
      'an unknown case',
      ['p-nope', '--decision', 'keep_ours'],
      'review resolve: no case p-nope (riskstream review list shows the open ones)',
    ],
    [
      'a closed case',
      ['p-closed', '--decision', 'keep_ours'],
      'review resolve: case p-closed is already closed: keep_ours by bob at 2024-04-01 00:00:00.000',
    ],
    [
      'an auto-resolved result',
      ['p-auto', '--decision', 'keep_ours'],
      'review resolve: case p-auto is auto-resolved by rule within_tolerance, not up for review',
    ],
    [
      'a case with a decision on its way',
      ['p-pending', '--decision', 'keep_ours'],
      'review resolve: case p-pending already has a decision on its way to the reconciliation pipeline: accept_partner by carol at 2024-04-01 00:00:10.000',
    ],
  ])('refuses %s in one line, exit 1, writing nothing', (_what, args, message) => {
    expect(cli(dataDir, 'resolve', ...args, '--by', 'alice', '--reason', 'checked the statement')).toEqual(refusal(message));
  });

  it('writes one review-decisions record for an open case, keyed by its debtor', async () => {
    const before = Date.now();
    const res = cli(dataDir, 'resolve', 'p-older', '--decision', 'write_off', '--by', 'alice', '--reason', 'partner closed the file');
    expect(res.status).toBe(0);
    const printed = JSON.parse(res.stdout) as ReviewDecision;
    expect(printed).toMatchObject({
      tenant_id: 'acme',
      debtor_id: 'dbt-p-older',
      case_id: 'p-older',
      decision: 'write_off',
      decided_by: 'alice',
      reason: 'partner closed the file',
    });
    expect(printed.event_id).toMatch(/^review-[0-9a-f-]{36}$/);
    expect(printed.event_time).toBe(T); // the case's time
    expect(printed.decided_at).toBeGreaterThanOrEqual(before);

    const env = await openEnvironment(resolveSettings({ dataDir }, { RISKSTREAM_BACKEND: 'embedded' }));
    try {
      const admin = env.backend.admin();
      const ends = await admin.endOffsets('review-decisions');
      await admin.close();
      const reader = await env.backend.partitionReader();
      const onLog: { key: string | undefined; record: ReviewDecision }[] = [];
      for (const [partition, end] of ends.entries())
        for await (const batch of reader.read({ topic: 'review-decisions', partition }, 0, end))
          for (const r of batch)
            onLog.push({ key: r.key?.toString('utf8'), record: await env.serde.decodeAsync('review-decisions', r.value) });
      await reader.close();
      expect(onLog).toEqual([{ key: 'dbt-p-older', record: printed }]);
    } finally {
      await env.close();
    }
  });

  it('a fresh data dir has no open cases, and no case to resolve', () => {
    const fresh = join(root, 'fresh');
    mkdirSync(fresh);
    const list = cli(fresh, 'list', '--format', 'json');
    expect([list.status, list.stdout]).toEqual([0, '']);
    expect(cli(fresh, 'resolve', 'p-older', '--decision', 'keep_ours', '--by', 'alice', '--reason', 'x')).toEqual(
      refusal('review resolve: no case p-older (riskstream review list shows the open ones)'),
    );
  });
});
