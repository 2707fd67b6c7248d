// The audit steps of a case: which steps, who took them, and event_ids that a replay reproduces.
import { describe, expect, it } from 'vitest';
import type { ReconciliationResult, ReviewDecision } from '../../schemas/types.ts';
import { decisionStep, detectionSteps } from './audit-steps.ts';

const T = Date.UTC(2024, 4, 2, 9);

const variance: ReconciliationResult = {
  event_id: 'evt-42-100',
  tenant_id: 'acme',
  event_time: T,
  debtor_id: 'dbt-3',
  partner_id: 'partner-ace',
  kind: 'AMOUNT_VARIANCE',
  our_balance_cents: 100_000,
  reported_balance_cents: 100_040,
  diff_cents: 40,
  our_status: 'ACTIVE',
  reported_status: 'ACTIVE',
  resolution: 'AUTO_RESOLVED',
  rule: 'within_tolerance',
};

const decision: ReviewDecision = {
  event_id: 'review-1',
  tenant_id: 'acme',
  event_time: T,
  debtor_id: 'dbt-3',
  case_id: 'evt-42-100',
  decision: 'keep_ours',
  decided_by: 'alice',
  decided_at: T + 86_400_000,
  reason: 'our ledger is right',
};

describe('detectionSteps', () => {
  it('a MATCH is no case', () => {
    expect(detectionSteps({ ...variance, diff_cents: 0, kind: 'MATCH', resolution: 'MATCHED', rule: null })).toEqual([]);
  });

  it("an auto-resolved result: DETECTED by the pipeline, AUTO_RESOLVED by the rule, at the result's time", () => {
    expect(detectionSteps(variance).map((s) => [s.event_id, s.step, s.actor, s.event_time, s.reason])).toEqual([
      [
        'evt-42-100:DETECTED',
        'DETECTED',
        'pipeline:reconciliation',
        T,
        'AMOUNT_VARIANCE: partner-ace reports 100040 cents, our book 100000: a difference of 40 cents',
      ],
      ['evt-42-100:AUTO_RESOLVED', 'AUTO_RESOLVED', 'rule:within_tolerance', T, 'rule within_tolerance resolves this AMOUNT_VARIANCE'],
    ]);
  });

  it('a manual-review result: DETECTED, then QUEUED_FOR_REVIEW', () => {
    const steps = detectionSteps({
      ...variance,
      kind: 'MISSING_AT_PARTNER',
      event_id: 'dbt-3:missing',
      resolution: 'MANUAL_REVIEW',
      rule: null,
    });
    expect(steps.map((s) => [s.event_id, s.step, s.case_id, s.decision])).toEqual([
      ['dbt-3:missing:DETECTED', 'DETECTED', 'dbt-3:missing', null],
      ['dbt-3:missing:QUEUED_FOR_REVIEW', 'QUEUED_FOR_REVIEW', 'dbt-3:missing', null],
    ]);
    expect(steps[0].reason).toBe('MISSING_AT_PARTNER: partner-ace has not reported debtor dbt-3 by 2024-05-02T09:00:00.000Z');
  });
});

describe('decisionStep', () => {
  it("resolves an open case in the decider's name, at decided_at, naming the decision record", () => {
    expect(decisionStep(decision, { status: 'open' })).toEqual({
      event_id: 'evt-42-100:RESOLVED:review-1',
      tenant_id: 'acme',
      event_time: T + 86_400_000,
      debtor_id: 'dbt-3',
      case_id: 'evt-42-100',
      step: 'RESOLVED',
      actor: 'alice',
      reason: 'our ledger is right',
      decision: 'keep_ours',
      decision_event_id: 'review-1',
    });
  });

  it('refuses an unknown, a closed and an auto-resolved case, saying why', () => {
    expect(
      [
        decisionStep(decision, { status: 'unknown' }),
        decisionStep(decision, { status: 'closed', decision: 'write_off', decidedBy: 'bob' }),
        decisionStep(decision, { status: 'not_for_review', resolution: 'AUTO_RESOLVED' }),
      ].map((s) => [s.event_id, s.step, s.reason]),
    ).toEqual([
      [
        'evt-42-100:REFUSED:review-1',
        'REFUSED',
        'no case evt-42-100: unknown, or closed and dropped after reconciliation.closedCaseRetentionMs',
      ],
      ['evt-42-100:REFUSED:review-1', 'REFUSED', 'case evt-42-100 is already closed: write_off by bob'],
      ['evt-42-100:REFUSED:review-1', 'REFUSED', 'case evt-42-100 is AUTO_RESOLVED, not up for review'],
    ]);
  });
});
