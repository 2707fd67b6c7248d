// The reference reconciliation, first on hand-made records (as-of, late partner records, the
// MISSING_AT_PARTNER timer), then against the generator's ground truth: every discrepancy the generator
// injected is found with its kind, and nothing else goes to manual review (precision and recall 1.0 per
// kind), on the demo's default book (100 000 events, seed 42).
import { beforeAll, describe, expect, it } from 'vitest';
import { reconciliationGroundTruthOf, type ReconciliationGroundTruth } from '../../../connectors/sources/generator/generator.ts';
import type { ReconciliationResult } from '../../../schemas/types.ts';
import { DEFAULT_RULES } from '../rules.ts';
import { countsByKindAndResolution, DEMO_BOOK, DEMO_BOOK_COUNTS, expectedReviewCases, reviewScores } from './ground-truth-check.ts';
import { referenceReconciliation, type ReferenceOutput } from './reference-reconciliation.ts';
import { debtor, report } from './hand-made-records.ts';

const DAY = 86_400_000;
const T0 = Date.UTC(2024, 0, 10);
const opts = { rules: DEFAULT_RULES, missingAfterMs: 7 * DAY, bookHistoryMs: 7 * DAY };

const brief = (r: ReconciliationResult) => `${r.event_id} ${r.kind} ${r.our_balance_cents} ${r.resolution}`;

describe('referenceReconciliation on hand-made records', () => {
  it('compares a late partner record with the book record in force at its event_time, not the latest', () => {
    const d1 = debtor('a', T0, 10_000);
    const d2 = debtor('a', T0 + 3 * DAY, 6_000, 'PAYING');
    const late = report('a', T0 + DAY, 10_000);
    const now = report('a', T0 + 4 * DAY, 6_000, 'PAYING');
    const out = referenceReconciliation({ debtors: [d1, d2], partnerRecords: [now, late] }, opts);
    // `now` is taken first (arrival order within the partition), `late` after it.
    expect(out.results.map(brief)).toEqual([`${now.event_id} MATCH 6000 MATCHED`, `${late.event_id} MATCH 10000 MATCHED`]);
  });

  it("a book record dated at the partner record's instant is in force; one dated after is not", () => {
    const out = referenceReconciliation(
      { debtors: [debtor('a', T0, 500), debtor('b', T0 + 1, 500)], partnerRecords: [report('a', T0, 500), report('b', T0, 500)] },
      opts,
    );
    expect(out.results.map((r) => `${r.debtor_id} ${r.kind}`)).toEqual(['a MATCH', 'b MISSING_IN_BOOK']);
  });

  it('emits MISSING_AT_PARTNER once, at the deadline, and never when a report comes in time', () => {
    const out = referenceReconciliation(
      {
        debtors: [debtor('silent', T0, 700), debtor('silent', T0 + 2 * DAY, 650), debtor('on-time', T0, 900), debtor('x', T0 + 9 * DAY, 1)],
        partnerRecords: [report('on-time', T0 + 7 * DAY - 1, 900)],
      },
      opts,
    );
    const missing = out.results.filter((r) => r.kind === 'MISSING_AT_PARTNER');
    expect(missing).toHaveLength(1);
    expect(missing[0]).toMatchObject({ event_id: 'silent:missing', event_time: T0 + 7 * DAY, our_balance_cents: 700 });
  });

  it('does not fire before stream time reaches the deadline', () => {
    const out = referenceReconciliation({ debtors: [debtor('a', T0, 1), debtor('b', T0 + 7 * DAY - 1, 1)], partnerRecords: [] }, opts);
    expect(out.results).toEqual([]);
    expect(out.finalStreamTime.get(0)).toBe(T0 + 7 * DAY - 1);
  });

  it('a report dated at the deadline is in time; one dated after it is not, even when it is what moves stream time there', () => {
    const atDeadline = { debtors: [debtor('a', T0, 1)], partnerRecords: [report('a', T0 + 7 * DAY, 1)] };
    expect(referenceReconciliation(atDeadline, opts).results.map((r) => r.kind)).toEqual(['MATCH']);
    const after = { debtors: [debtor('a', T0, 1)], partnerRecords: [report('a', T0 + 7 * DAY + 1, 1)] };
    expect(referenceReconciliation(after, opts).results.map((r) => r.kind)).toEqual(['MISSING_AT_PARTNER', 'MATCH']);
  });

  it('a report taken after stream time passed the deadline is too late, whatever its date', () => {
    const input = {
      debtors: [debtor('a', T0, 1), debtor('z', T0 + 8 * DAY, 1)],
      partnerRecords: [report('z', T0 + 8 * DAY, 1), report('a', T0 + DAY, 1)],
    };
    expect(referenceReconciliation(input, opts).results.map((r) => `${r.debtor_id} ${r.kind}`)).toEqual([
      'a MISSING_AT_PARTNER',
      'z MATCH',
      'a MATCH',
    ]);
  });

  it("keeps stream time per task: another task's records do not fire a timer", () => {
    const input = { debtors: [debtor('a', T0, 1), debtor('b', T0 + 30 * DAY, 1)], partnerRecords: [] };
    const oneTask = referenceReconciliation(input, opts).results.map((r) => r.event_id);
    const twoTasks = referenceReconciliation(input, { ...opts, taskOf: (id) => (id === 'a' ? 0 : 1) }).results.map((r) => r.event_id);
    expect([oneTask, twoTasks]).toEqual([['a:missing'], []]);
  });

  it('lists partner records dated beyond the book history behind stream time', () => {
    const old = report('a', T0, 1);
    const out = referenceReconciliation(
      { debtors: [debtor('a', T0 - DAY, 1), debtor('z', T0 + 8 * DAY, 1)], partnerRecords: [old] },
      {
        ...opts,
        taskOf: () => 0,
      },
    );
    // `old` is taken before `z` (earlier head), so it is not beyond the history.
    expect(out.beyondHistory).toEqual([]);
    const out2 = referenceReconciliation(
      { debtors: [debtor('z', T0 + 8 * DAY, 1)], partnerRecords: [report('y', T0 + 9 * DAY, 1), old] },
      opts,
    );
    expect(out2.beyondHistory).toEqual([old.event_id]);
  });
});

describe("referenceReconciliation against the generator's ground truth (demo default: 100 000 events, seed 42)", () => {
  let truth: ReconciliationGroundTruth;
  let out: ReferenceOutput;
  let expected: Map<string, string>;

  beforeAll(() => {
    truth = reconciliationGroundTruthOf(DEMO_BOOK);
    out = referenceReconciliation(truth.records, opts);
    const { debtors, partnerRecords } = truth.records;
    const end = Math.max(...debtors.map((d) => d.event_time), ...partnerRecords.map((p) => p.event_time));
    expected = expectedReviewCases(truth, opts.missingAfterMs, () => end);
  }, 120_000);

  it('no partner record of the generator is older than the book history keeps', () => {
    expect(out.beyondHistory).toEqual([]);
  });

  it('finds every injected discrepancy with its kind, and puts nothing else up for review', () => {
    const { scores, reviewSize } = reviewScores(expected, out.results);
    for (const { kind, precision, recall } of scores) expect({ kind, precision, recall }).toEqual({ kind, precision: 1, recall: 1 });
    expect(reviewSize).toBe(expected.size);
  });

  it('every faithful partner record is a MATCH', () => {
    const kinds = new Map(out.results.map((r) => [r.event_id, r.kind]));
    for (const [id, kind] of truth.partnerRecordKinds) if (kind === 'MATCH') expect(kinds.get(id)).toBe('MATCH');
  });

  it('counts per kind and resolution (one task; the partner-silent debtors are a third of MISSING_AT_PARTNER)', () => {
    expect(countsByKindAndResolution(out.results)).toEqual(DEMO_BOOK_COUNTS);
    expect(truth.debtors.filter((d) => d.partner_silent)).toHaveLength(21);
  });
});
