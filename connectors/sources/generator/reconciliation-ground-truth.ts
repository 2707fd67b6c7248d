// What the generator knows about book and partner: for every partner record it hands out, the kind of
// discrepancy it put there on purpose (or none); for every debtor, when the book first held it, when the
// partner first reported it, and whether the generator made the partner silent about it. A test holds the
// reconciliation pipeline (or its reference) to these facts: generating them draws nothing from the PRNG,
// so the records themselves are the same bytes as `riskstream generate` writes.
import type { Debtor, PartnerRecord } from '../../../schemas/types.ts';
import { LendingBook, type GeneratorOptions } from './lending-book.ts';

/** The result kind a partner record's comparison must have, by what the generator did to it. */
export type InjectedPartnerKind = 'MATCH' | 'AMOUNT_VARIANCE' | 'STATUS_MISMATCH' | 'MISSING_IN_BOOK';

export interface DebtorTruth {
  debtor_id: string;
  partner_id: string;
  /** event_time of the debtor's first book record. */
  first_book_at: number;
  /** event_time of the first partner record about it (earliest handed out); null when none was. */
  first_reported_at: number | null;
  /** The generator made the partner never report this debtor. */
  partner_silent: boolean;
}

export interface ReconciliationGroundTruth {
  /** Every partner record handed out, by event_id: the kind its comparison must find. */
  partnerRecordKinds: Map<string, InjectedPartnerKind>;
  /** Every debtor of the book, in the order its first record was handed out. */
  debtors: DebtorTruth[];
  /** The records themselves, in delivery order per topic (as `riskstream generate` produces them). */
  records: { debtors: Debtor[]; partnerRecords: PartnerRecord[] };
}

const KIND_OF = {
  amount_variance: 'AMOUNT_VARIANCE',
  status_mismatch: 'STATUS_MISMATCH',
  missing_in_book: 'MISSING_IN_BOOK',
} as const;

export function reconciliationGroundTruthOf(opts: GeneratorOptions): ReconciliationGroundTruth {
  const book = new LendingBook(opts);
  const debtors: Debtor[] = [];
  const partnerRecords: PartnerRecord[] = [];
  for (const e of book.events()) {
    if (e.topic === 'debtors') debtors.push(e.record);
    else if (e.topic === 'partner-records') partnerRecords.push(e.record);
  }
  const injected = book.discrepancies();
  const partnerRecordKinds = new Map<string, InjectedPartnerKind>(partnerRecords.map((p) => [p.event_id, 'MATCH']));
  const silent = new Set<string>();
  for (const d of injected) {
    if (d.kind === 'missing_at_partner') silent.add(d.debtor_id);
    else partnerRecordKinds.set(d.event_id, KIND_OF[d.kind]);
  }
  const firstReported = new Map<string, number>();
  for (const p of partnerRecords) firstReported.set(p.debtor_id, Math.min(firstReported.get(p.debtor_id) ?? Infinity, p.event_time));
  const truths = new Map<string, DebtorTruth>();
  for (const d of debtors) {
    const known = truths.get(d.debtor_id);
    if (known) known.first_book_at = Math.min(known.first_book_at, d.event_time);
    else
      truths.set(d.debtor_id, {
        debtor_id: d.debtor_id,
        partner_id: d.partner_id,
        first_book_at: d.event_time,
        first_reported_at: firstReported.get(d.debtor_id) ?? null,
        partner_silent: silent.has(d.debtor_id),
      });
  }
  return { partnerRecordKinds, debtors: [...truths.values()], records: { debtors, partnerRecords } };
}

/**
 * The debtors whose partner did not report them within `missingAfterMs` of their first book record, as
 * far as the data reaches: `streamTimeAtEnd(debtor_id)` is the last stream time of the task that owns the
 * debtor, and a deadline past it never comes. `silent`: the generator made the partner never report the
 * debtor; `lateFirstReport`: the partner skipped its first reports (each update is reported with
 * probability 0.85, a few days apart), so its first report came after the deadline.
 */
export function unreportedDebtors(
  truth: ReconciliationGroundTruth,
  missingAfterMs: number,
  streamTimeAtEnd: (debtorId: string) => number,
): { silent: string[]; lateFirstReport: string[] } {
  const silent: string[] = [];
  const lateFirstReport: string[] = [];
  for (const d of truth.debtors) {
    const deadline = d.first_book_at + missingAfterMs;
    if (deadline > streamTimeAtEnd(d.debtor_id)) continue;
    if (d.partner_silent) silent.push(d.debtor_id);
    else if (d.first_reported_at === null || d.first_reported_at > deadline) lateFirstReport.push(d.debtor_id);
  }
  return { silent, lateFirstReport };
}
