// The debtors of one customer, as the per-customer aggregate of the debtors table keeps them. A debtor
// that left the customer (moved to another one, or deleted) stays as null, so the processor after the
// aggregate, which sees only the new aggregate, knows to take it off this task's worklist.
import type { Debtor } from '../../schemas/types.ts';

/** debtor_id -> the debtor's latest record, or null once it left this customer. */
export type CustomerDebtors = Record<string, Debtor | null>;

export const noDebtors = (): CustomerDebtors => ({});

export function addDebtor(_customerId: string, debtor: Debtor, debtors: CustomerDebtors): CustomerDebtors {
  return { ...debtors, [debtor.debtor_id]: debtor };
}

/** Called with the debtor's old record; an update within one customer adds the new record right after. */
export function removeDebtor(_customerId: string, debtor: Debtor, debtors: CustomerDebtors): CustomerDebtors {
  return { ...debtors, [debtor.debtor_id]: null };
}
