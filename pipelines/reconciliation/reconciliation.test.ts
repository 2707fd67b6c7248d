// The reconciliation pipeline on hand-made records, on the embedded log: the as-of comparison (a late
// partner record meets the book record in force at its date, and a book record dated at the partner
// record's very instant counts), the tolerance rule's edges, MISSING_AT_PARTNER from the timer (once,
// and never when the report comes in time), review decisions (resolve closes the case, a second one
// and one on an unknown case are refused, with audit records), and a poison partner record's way to
// the DLQ.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEnvironment, type Environment } from '../../app/environment.ts';
import { replayPipeline, ReplayError } from '../../app/replay.ts';
import { resolveSettings } from '../../app/settings.ts';
import { changelogTopicOf, readTopic, setLogLevel } from '../../engine/index.ts';
import type { Debtor, PartnerRecord, ReviewDecision } from '../../schemas/types.ts';
import { DEFAULT_RECONCILIATION_OPTIONS } from './options.ts';
import { STORES } from './reconciler.ts';
import {
  oracleOnLog,
  produceRaw,
  produceReconciliationInputs,
  readReconciliationOutputs,
  RECONCILIATION,
  runReconciliationUntilIdle,
  type ReconciliationInputs,
  type ReconciliationOutputs,
} from './testing/run-reconciliation.ts';
import { debtor, nextSeq, report } from './testing/hand-made-records.ts';
import { TempDirs } from '../testing/temp-dirs.ts';

const DAY = 86_400_000;
const T0 = Date.UTC(2024, 0, 10);

/** A decision dated, as `review resolve` dates it, at the case's event_time, taken at `at`. */
function decision(
  on: { event_id: string; event_time: number; debtor_id: string },
  at: number,
  by = 'alice',
  d: ReviewDecision['decision'] = 'accept_partner',
): ReviewDecision {
  return {
    event_id: `r-${nextSeq()}`,
    tenant_id: 't1',
    event_time: on.event_time,
    decided_at: at,
    debtor_id: on.debtor_id,
    case_id: on.event_id,
    decision: d,
    decided_by: by,
    reason: `checked by ${by}`,
  };
}

const dirs = new TempDirs('reconciliation-');
beforeAll(() => setLogLevel('warn'));
afterAll(dirs.removeAll);

async function freshEnv(configYaml?: string): Promise<Environment> {
  const config = configYaml === undefined ? undefined : dirs.file('riskstream.yaml', configYaml);
  return openEnvironment(resolveSettings({ dataDir: dirs.make(), backend: 'embedded', config }));
}

/**
 * Produces (one partition per topic: every debtor in one task, so stream time is shared), runs until
 * idle, reads back; on a fresh log without decisions, also checks the run against the oracle.
 */
async function reconcileOnLog(inputs: ReconciliationInputs, env?: Environment): Promise<ReconciliationOutputs> {
  const e = env ?? (await freshEnv());
  try {
    await produceReconciliationInputs(e, inputs, 1);
    await runReconciliationUntilIdle(e);
    const out = await readReconciliationOutputs(e);
    if (!env && (inputs.decisions ?? []).length === 0) {
      const oracle = await oracleOnLog(
        e,
        { debtors: inputs.debtors ?? [], partnerRecords: inputs.partnerRecords ?? [] },
        DEFAULT_RECONCILIATION_OPTIONS,
      );
      expect(sortedById(out.results)).toEqual(sortedById(oracle.results));
    }
    return out;
  } finally {
    if (!env) await e.close();
  }
}

const sortedById = <T extends { event_id: string }>(xs: T[]) => [...xs].sort((a, b) => (a.event_id < b.event_id ? -1 : 1));
const byEvent = (out: ReconciliationOutputs) => new Map(out.results.map((r) => [r.event_id, r]));

describe('reconciliation pipeline: the comparison', () => {
  it('compares a late partner record with the book record in force at its date, not the latest', async () => {
    const d1 = debtor('a', T0, 10_000);
    const d2 = debtor('a', T0 + 3 * DAY, 6_000, 'PAYING');
    const now = report('a', T0 + 4 * DAY, 6_000, 'PAYING');
    const late = report('a', T0 + DAY, 10_000);
    const out = byEvent(await reconcileOnLog({ debtors: [d1, d2], partnerRecords: [now, late] }));
    expect(out.get(now.event_id)).toMatchObject({ kind: 'MATCH', our_balance_cents: 6_000, resolution: 'MATCHED', rule: null });
    expect(out.get(late.event_id)).toMatchObject({ kind: 'MATCH', our_balance_cents: 10_000, our_status: 'ACTIVE', diff_cents: 0 });
  });

  it("a book record dated at the partner record's instant is in force for it, whatever was loaded first", async () => {
    // Partner records first on the log: the task still takes the book record of the same instant first.
    const env = await freshEnv();
    try {
      const pa = report('a', T0, 500);
      const pb = report('b', T0, 500);
      await produceReconciliationInputs(env, { partnerRecords: [pa, pb] }, 1);
      const out = byEvent(await reconcileOnLog({ debtors: [debtor('a', T0, 500), debtor('b', T0 + 1, 500)] }, env));
      expect(out.get(pa.event_id)).toMatchObject({ kind: 'MATCH' });
      expect(out.get(pb.event_id)).toMatchObject({
        kind: 'MISSING_IN_BOOK',
        our_balance_cents: null,
        diff_cents: null,
        resolution: 'MANUAL_REVIEW',
      });
    } finally {
      await env.close();
    }
  });

  it('kinds by precedence, and the tolerance edges: 50 cents, 0.1% of our balance, one cent more', async () => {
    const ds = [
      debtor('s', T0, 1_000),
      debtor('t50', T0, 1_000),
      debtor('t51', T0, 1_000),
      debtor('bp', T0, 100_000),
      debtor('bp1', T0, 100_000),
    ];
    const status = report('s', T0 + DAY, 1_020, 'SETTLED');
    const at50 = report('t50', T0 + DAY, 950);
    const at51 = report('t51', T0 + DAY, 1_051);
    const atBp = report('bp', T0 + DAY, 100_100);
    const overBp = report('bp1', T0 + DAY, 100_101);
    const out = byEvent(await reconcileOnLog({ debtors: ds, partnerRecords: [status, at50, at51, atBp, overBp] }));
    expect(out.get(status.event_id)).toMatchObject({ kind: 'STATUS_MISMATCH', diff_cents: 20, resolution: 'MANUAL_REVIEW', rule: null });
    expect(out.get(at50.event_id)).toMatchObject({
      kind: 'AMOUNT_VARIANCE',
      diff_cents: -50,
      resolution: 'AUTO_RESOLVED',
      rule: 'within_tolerance',
    });
    expect(out.get(at51.event_id)).toMatchObject({ kind: 'AMOUNT_VARIANCE', diff_cents: 51, resolution: 'MANUAL_REVIEW', rule: null });
    expect(out.get(atBp.event_id)).toMatchObject({ diff_cents: 100, resolution: 'AUTO_RESOLVED', rule: 'within_tolerance' });
    expect(out.get(overBp.event_id)).toMatchObject({ diff_cents: 101, resolution: 'MANUAL_REVIEW' });
  });

  it('audits each case: DETECTED then AUTO_RESOLVED by the rule or QUEUED_FOR_REVIEW; a MATCH leaves no audit record', async () => {
    const ds = [debtor('m', T0, 1_000), debtor('v', T0, 1_000), debtor('q', T0, 1_000)];
    const match = report('m', T0 + DAY, 1_000);
    const small = report('v', T0 + DAY, 1_010);
    const big = report('q', T0 + DAY, 2_000);
    const out = await reconcileOnLog({ debtors: ds, partnerRecords: [match, small, big] });
    const steps = out.audit.map((a) => `${a.event_id} ${a.actor} ${a.event_time - T0}`).sort();
    expect(steps).toEqual(
      [
        `${big.event_id}:DETECTED pipeline:reconciliation ${DAY}`,
        `${big.event_id}:QUEUED_FOR_REVIEW pipeline:reconciliation ${DAY}`,
        `${small.event_id}:AUTO_RESOLVED rule:within_tolerance ${DAY}`,
        `${small.event_id}:DETECTED pipeline:reconciliation ${DAY}`,
      ].sort(),
    );
    expect(out.audit.every((a) => a.case_id === a.event_id.split(':')[0] && a.decision === null)).toBe(true);
  });
});

describe('reconciliation pipeline: the rule set from the config file', () => {
  it('runs the rules the config file names, in order, and sends what none resolves to review', async () => {
    const env = await freshEnv(
      [
        'reconciliation:',
        '  rules:',
        '    - { type: status_equivalence, name: partner_status_names, equivalent: { OPEN: ACTIVE } }',
        '    - { type: within_tolerance, name: within_a_euro, minCents: 100, basisPoints: 0 }',
      ].join('\n'),
    );
    try {
      const open = report('o', T0 + DAY, 1_000, 'open');
      const euro = report('e', T0 + DAY, 1_100);
      const over = report('x', T0 + DAY, 1_101);
      const out = byEvent(
        await reconcileOnLog(
          { debtors: [debtor('o', T0, 1_000), debtor('e', T0, 1_000), debtor('x', T0, 1_000)], partnerRecords: [open, euro, over] },
          env,
        ),
      );
      expect(out.get(open.event_id)).toMatchObject({ kind: 'STATUS_MISMATCH', resolution: 'AUTO_RESOLVED', rule: 'partner_status_names' });
      expect(out.get(euro.event_id)).toMatchObject({ kind: 'AMOUNT_VARIANCE', resolution: 'AUTO_RESOLVED', rule: 'within_a_euro' });
      expect(out.get(over.event_id)).toMatchObject({ kind: 'AMOUNT_VARIANCE', resolution: 'MANUAL_REVIEW', rule: null });
    } finally {
      await env.close();
    }
  });
});

describe('reconciliation pipeline: MISSING_AT_PARTNER', () => {
  it('once per silent debtor, at the deadline; never when the report comes in time', async () => {
    const ds = [debtor('silent', T0, 700), debtor('silent', T0 + 2 * DAY, 650), debtor('on-time', T0, 900), debtor('late', T0, 300)];
    const onTime = report('on-time', T0 + 7 * DAY, 900);
    const tooLate = report('late', T0 + 7 * DAY + 1, 300);
    // Moves stream time far past every deadline, twice.
    const far = [
      debtor('x', T0 + 20 * DAY, 1),
      report('x', T0 + 20 * DAY, 1),
      debtor('y', T0 + 40 * DAY, 1),
      report('y', T0 + 40 * DAY, 1),
    ];
    const out = await reconcileOnLog({
      debtors: [...ds, far[0] as Debtor, far[2] as Debtor],
      partnerRecords: [onTime, tooLate, far[1] as PartnerRecord, far[3] as PartnerRecord],
    });
    const missing = out.results.filter((r) => r.kind === 'MISSING_AT_PARTNER');
    expect(missing.map((r) => r.event_id).sort()).toEqual(['late:missing', 'silent:missing']);
    expect(missing.find((r) => r.debtor_id === 'silent')).toMatchObject({
      event_time: T0 + 7 * DAY,
      our_balance_cents: 700,
      reported_balance_cents: null,
      resolution: 'MANUAL_REVIEW',
    });
    // The late report still gets its own result, after the MISSING_AT_PARTNER one.
    const late = out.results.filter((r) => r.debtor_id === 'late').map((r) => r.kind);
    expect(late).toEqual(['MISSING_AT_PARTNER', 'MATCH']);
    expect(out.audit.filter((a) => a.case_id === 'silent:missing').map((a) => a.step)).toEqual(['DETECTED', 'QUEUED_FOR_REVIEW']);
  });

  it('a second run over more data does not emit it again', async () => {
    const env = await freshEnv();
    try {
      await reconcileOnLog({ debtors: [debtor('s', T0, 1), debtor('z', T0 + 10 * DAY, 1)] }, env);
      const out = await reconcileOnLog({ debtors: [debtor('z2', T0 + 30 * DAY, 1)] }, env);
      expect(out.results.map((r) => r.event_id).sort()).toEqual(['s:missing', 'z:missing']);
    } finally {
      await env.close();
    }
  });
});

describe('reconciliation pipeline: review decisions', () => {
  it('a decision resolves an open case once; a second one, one on an unknown case and one on an auto-resolved case are refused', async () => {
    const q = report('q', T0 + DAY, 2_000);
    const v = report('v', T0 + DAY, 1_010);
    const first = decision(q, T0 + 2 * DAY, 'alice', 'keep_ours');
    const second = decision(q, T0 + 2 * DAY + 1, 'bob', 'write_off');
    const unknown = decision({ event_id: 'p-nope', event_time: T0 + DAY, debtor_id: 'q' }, T0 + 2 * DAY + 2, 'carol');
    const onAuto = decision(v, T0 + 2 * DAY + 3, 'dave');
    const out = await reconcileOnLog({
      debtors: [debtor('q', T0, 1_000), debtor('v', T0, 1_000)],
      partnerRecords: [q, v],
      decisions: [first, second, unknown, onAuto],
    });
    const answers = out.audit.filter((a) => a.decision_event_id !== null).sort((a, b) => a.event_time - b.event_time);
    // Audit records of decisions are dated when the person decided.
    expect(answers.map((a) => ({ id: a.event_id, step: a.step, actor: a.actor, decision: a.decision, at: a.event_time }))).toEqual([
      { id: `${q.event_id}:RESOLVED:${first.event_id}`, step: 'RESOLVED', actor: 'alice', decision: 'keep_ours', at: first.decided_at },
      { id: `${q.event_id}:REFUSED:${second.event_id}`, step: 'REFUSED', actor: 'bob', decision: 'write_off', at: second.decided_at },
      { id: `p-nope:REFUSED:${unknown.event_id}`, step: 'REFUSED', actor: 'carol', decision: 'accept_partner', at: unknown.decided_at },
      { id: `${v.event_id}:REFUSED:${onAuto.event_id}`, step: 'REFUSED', actor: 'dave', decision: 'accept_partner', at: onAuto.decided_at },
    ]);
    expect(answers[0].reason).toBe('checked by alice');
    expect(answers[1].reason).toMatch(/already closed: keep_ours by alice/);
    expect(answers[2].reason).toMatch(/no case p-nope/);
    expect(answers[3].reason).toMatch(/AUTO_RESOLVED, not up for review/);
  });

  it('the case stays closed across runs: a decision in a later run is refused', async () => {
    const env = await freshEnv();
    try {
      const q = report('q', T0 + DAY, 2_000);
      await reconcileOnLog({ debtors: [debtor('q', T0, 1_000)], partnerRecords: [q], decisions: [decision(q, T0 + 2 * DAY)] }, env);
      const out = await reconcileOnLog({ decisions: [decision(q, T0 + 3 * DAY, 'bob')] }, env);
      expect(out.audit.filter((a) => a.decision_event_id !== null).map((a) => `${a.step} ${a.actor}`)).toEqual([
        'RESOLVED alice',
        'REFUSED bob',
      ]);
    } finally {
      await env.close();
    }
  });

  it('a closed case leaves the case book after closedCaseRetentionMs of stream time; a decision then is refused', async () => {
    const env = await freshEnv('reconciliation:\n  closedCaseRetentionMs: 864000000\n'); // 10 days
    try {
      const q = report('q', T0 + DAY, 2_000); // MANUAL_REVIEW, closed by alice
      const v = report('v', T0 + DAY, 1_010); // AUTO_RESOLVED: closed as it opens
      const alice = decision(q, T0 + 2 * DAY, 'alice');
      await reconcileOnLog({ debtors: [debtor('q', T0, 1_000), debtor('v', T0, 1_000)], partnerRecords: [q, v], decisions: [alice] }, env);
      // Within the retention the case is still known, and closed.
      await reconcileOnLog({ debtors: [debtor('w', T0 + 10 * DAY, 1)], decisions: [decision(q, T0 + 3 * DAY, 'bob')] }, env);
      const cases = async () => {
        const latest = new Map<string, string | null>();
        for (const r of await readTopic(env.backend, changelogTopicOf(RECONCILIATION.applicationId, STORES.cases)))
          latest.set(r.key!.toString('utf8'), r.value === null ? null : 'kept');
        return [q.event_id, v.event_id].map((id) => latest.get(id));
      };
      expect(await cases()).toEqual(['kept', 'kept']);
      // Stream time passes T0 + 1 day (both closed then) + 10 days: both leave the case book.
      await reconcileOnLog({ debtors: [debtor('w', T0 + 11 * DAY + 1, 1)] }, env);
      expect(await cases()).toEqual([null, null]);

      const out = await reconcileOnLog({ decisions: [decision(q, T0 + 40 * DAY, 'carol'), decision(v, T0 + 40 * DAY + 1, 'dave')] }, env);
      const answers = out.audit.filter((a) => a.decision_event_id !== null).sort((a, b) => a.event_time - b.event_time);
      const dropped = 'unknown, or closed and dropped after reconciliation.closedCaseRetentionMs';
      expect(answers.map((a) => [a.actor, a.step, a.reason])).toEqual([
        ['alice', 'RESOLVED', 'checked by alice'],
        ['bob', 'REFUSED', `case ${q.event_id} is already closed: accept_partner by alice`],
        ['carol', 'REFUSED', `no case ${q.event_id}: ${dropped}`],
        ['dave', 'REFUSED', `no case ${v.event_id}: ${dropped}`],
      ]);
    } finally {
      await env.close();
    }
  });

  it('a decision on a MISSING_AT_PARTNER case read together with the book (a replay) finds the case open', async () => {
    // The decision, dated at the deadline, is what moves stream time there: the case opens first.
    const missing = { event_id: 'silent:missing', event_time: T0 + 7 * DAY, debtor_id: 'silent' };
    const out = await reconcileOnLog({
      debtors: [debtor('silent', T0, 700)],
      decisions: [decision(missing, T0 + 9 * DAY, 'erin', 'write_off')],
    });
    expect(out.results.map((r) => r.event_id)).toEqual(['silent:missing']);
    expect(out.audit.map((a) => `${a.case_id} ${a.step}`)).toEqual([
      'silent:missing DETECTED',
      'silent:missing QUEUED_FOR_REVIEW',
      'silent:missing RESOLVED',
    ]);
  });
});

describe('reconciliation pipeline: poison records', () => {
  it('goes to partner-records.dlq with its origin; the records around it are reconciled', async () => {
    const env = await freshEnv();
    try {
      const before = report('a', T0 + DAY, 1_000);
      const after = report('a', T0 + 2 * DAY, 1_000);
      await produceReconciliationInputs(env, { debtors: [debtor('a', T0, 1_000)], partnerRecords: [before] }, 1);
      await produceRaw(env, 'partner-records', 'a', Buffer.from('not avro at all'), T0 + DAY + 1);
      const out = await reconcileOnLog({ partnerRecords: [after] }, env);
      expect(out.results.map((r) => `${r.event_id} ${r.kind}`)).toEqual([`${before.event_id} MATCH`, `${after.event_id} MATCH`]);
      const dlq = await readTopic(env.backend, 'partner-records.dlq');
      expect(dlq).toHaveLength(1);
      expect(dlq[0].value?.toString()).toBe('not avro at all');
      expect(dlq[0].headers).toMatchObject({ source_topic: 'partner-records', source_offset: '1' });
    } finally {
      await env.close();
    }
  });

  it('a review decision that does not decode (a decision name outside the enum, say) goes to review-decisions.dlq', async () => {
    const env = await freshEnv();
    try {
      const q = report('q', T0 + DAY, 2_000);
      await produceReconciliationInputs(env, { debtors: [debtor('q', T0, 1_000)], partnerRecords: [q] }, 1);
      await produceRaw(env, 'review-decisions', 'q', Buffer.from('{"decision":"forgive"}'), T0 + DAY);
      const out = await reconcileOnLog({ decisions: [decision(q, T0 + 2 * DAY)] }, env);
      expect(out.audit.filter((a) => a.decision_event_id !== null).map((a) => `${a.step} ${a.actor}`)).toEqual(['RESOLVED alice']);
      expect(await readTopic(env.backend, 'review-decisions.dlq')).toHaveLength(1);
    } finally {
      await env.close();
    }
  });
});

describe('reconciliation pipeline: replay', () => {
  it('refuses a replay from a point in time, changing nothing: only from earliest', async () => {
    const env = await freshEnv();
    try {
      const p = report('a', T0 + DAY, 1_000);
      await reconcileOnLog({ debtors: [debtor('a', T0, 1_000)], partnerRecords: [p] }, env);
      const replay = replayPipeline(env, RECONCILIATION, T0 + DAY);
      await expect(replay).rejects.toThrow(ReplayError);
      await expect(replay).rejects.toThrow('reconciliation replays from earliest only');
      expect((await readReconciliationOutputs(env)).results.map((r) => r.event_id)).toEqual([p.event_id]);
    } finally {
      await env.close();
    }
  });
});
