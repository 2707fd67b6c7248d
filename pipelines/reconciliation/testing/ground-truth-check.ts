// Checks reconciliation results against the generator's ground truth: which cases must go to manual
// review with which kind, how well the results find them, and the results' counts per kind and
// resolution on the demo's default book.
import { unreportedDebtors, type ReconciliationGroundTruth } from '../../../connectors/sources/generator/generator.ts';
import type { ReconciliationResult } from '../../../schemas/types.ts';

/** The demo's default book: 100 000 generated events, seed 42. */
export const DEMO_BOOK = { events: 100_000, seed: 42 };

/**
 * Results per `kind resolution` on the demo book: one task or four alike (with 7 days of silence
 * allowed, the tasks' stream times all pass every deadline the data reaches). The generator's
 * variances are all beyond the tolerance.
 */
export const DEMO_BOOK_COUNTS: Record<string, number> = {
  'MATCH MATCHED': 2964,
  'AMOUNT_VARIANCE MANUAL_REVIEW': 137,
  'STATUS_MISMATCH MANUAL_REVIEW': 338,
  'MISSING_IN_BOOK MANUAL_REVIEW': 75,
  'MISSING_AT_PARTNER MANUAL_REVIEW': 66,
};

const REVIEW_KINDS = ['MISSING_IN_BOOK', 'STATUS_MISMATCH', 'AMOUNT_VARIANCE', 'MISSING_AT_PARTNER'];

/**
 * The cases the truth puts up for review: event_id (`<debtor>:missing` for a missing report) -> kind.
 * `streamTimeAtEnd` tells how far the stream time of a debtor's task got.
 */
export function expectedReviewCases(
  truth: ReconciliationGroundTruth,
  missingAfterMs: number,
  streamTimeAtEnd: (debtorId: string) => number,
): Map<string, string> {
  const expected = new Map<string, string>();
  for (const [id, kind] of truth.partnerRecordKinds) if (kind !== 'MATCH') expected.set(id, kind);
  const unreported = unreportedDebtors(truth, missingAfterMs, streamTimeAtEnd);
  for (const id of [...unreported.silent, ...unreported.lateFirstReport]) expected.set(`${id}:missing`, 'MISSING_AT_PARTNER');
  return expected;
}

export interface KindScore {
  kind: string;
  /** How many cases of the kind the truth expects. */
  wanted: number;
  precision: number;
  recall: number;
}

/** Precision and recall, per kind, of the results' manual-review cases against `expected`; and the review's size. */
export function reviewScores(
  expected: Map<string, string>,
  results: readonly ReconciliationResult[],
): { scores: KindScore[]; reviewSize: number } {
  const review = new Map(results.filter((r) => r.resolution === 'MANUAL_REVIEW').map((r) => [r.event_id, r.kind as string]));
  const scores = REVIEW_KINDS.map((kind) => {
    const want = [...expected].filter(([, k]) => k === kind).map(([id]) => id);
    const got = [...review].filter(([, k]) => k === kind).map(([id]) => id);
    const found = got.filter((id) => expected.get(id) === kind);
    return { kind, wanted: want.length, precision: found.length / got.length, recall: found.length / want.length };
  });
  return { scores, reviewSize: review.size };
}

/** Results per `kind resolution`. */
export function countsByKindAndResolution(results: readonly ReconciliationResult[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of results) counts[`${r.kind} ${r.resolution}`] = (counts[`${r.kind} ${r.resolution}`] ?? 0) + 1;
  return counts;
}
