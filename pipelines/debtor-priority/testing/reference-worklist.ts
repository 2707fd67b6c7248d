// Test oracle for debtor-priority: the worklist worked out by brute force from the input records, to
// compare a pipeline's heap, `riskstream worklist` and the warehouse view against. No state store, no
// heap: the latest record of each debtor and the latest default probability of each customer (both by
// arrival, as tables keep them), scored, filtered and sorted in full.
import type { CollectionPriority, Debtor, RiskScore } from '../../../schemas/types.ts';
import { isOnWorklist, priorityScore } from '../priority-score.ts';
import { DEFAULT_RISK_FACTORS, type RiskFactors } from '../risk-factors.ts';

/** One debtor as the worklist shows it: the output fields without the record's own event_id and event_time. */
export type WorklistRow = Omit<CollectionPriority, 'event_id' | 'event_time'>;

export interface ReferenceWorklistOptions {
  factors?: RiskFactors;
  /** The first N rows (default: all). */
  top?: number;
  partner?: string;
  tenant?: string;
}

/**
 * Every debtor's current row, on the worklist or not, by debtor_id: the latest debtor record (arrival
 * order = array order) with its customer's latest default_probability (null when none arrived).
 */
export function referencePriorities(
  debtors: readonly Debtor[],
  riskScores: readonly Pick<RiskScore, 'customer_id' | 'default_probability'>[],
  factors: RiskFactors = DEFAULT_RISK_FACTORS,
): WorklistRow[] {
  const latestDebtor = new Map<string, Debtor>();
  for (const d of debtors) latestDebtor.set(d.debtor_id, d);
  const latestPd = new Map<string, number>();
  for (const s of riskScores) latestPd.set(s.customer_id, s.default_probability);
  const rows = [...latestDebtor.values()].map((d): WorklistRow => {
    const pd = latestPd.get(d.customer_id) ?? null;
    return {
      tenant_id: d.tenant_id,
      debtor_id: d.debtor_id,
      customer_id: d.customer_id,
      partner_id: d.partner_id,
      debt_amount_cents: d.debt_amount_cents,
      days_past_due: d.days_past_due,
      status: d.status,
      default_probability: pd,
      priority_score: priorityScore(d, pd, factors),
      on_worklist: isOnWorklist(d.status),
    };
  });
  return rows.sort((a, b) => compareIds(a.debtor_id, b.debtor_id));
}

/** The worklist: debtors on it, by priority_score descending, debtor_id ascending on ties; filtered, then the top N. */
export function referenceWorklist(
  debtors: readonly Debtor[],
  riskScores: readonly Pick<RiskScore, 'customer_id' | 'default_probability'>[],
  opts: ReferenceWorklistOptions = {},
): WorklistRow[] {
  const rows = referencePriorities(debtors, riskScores, opts.factors).filter(
    (r) =>
      r.on_worklist &&
      (opts.partner === undefined || r.partner_id === opts.partner) &&
      (opts.tenant === undefined || r.tenant_id === opts.tenant),
  );
  rows.sort((a, b) => b.priority_score - a.priority_score || compareIds(a.debtor_id, b.debtor_id));
  return opts.top === undefined ? rows : rows.slice(0, opts.top);
}

/** debtor_id order as ClickHouse sorts strings: by UTF-8 bytes. */
function compareIds(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
