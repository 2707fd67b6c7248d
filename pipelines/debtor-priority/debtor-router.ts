// The first step of debtor-priority, in the task of a debtor's partition: it remembers each debtor's
// customer and sends the debtor's latest record to its customer's task, and, when the debtor moved to
// another customer or was deleted (a tombstone), tells the old customer's task it left.
import type { KeyValueStore, Processor, ProcessorContext } from '../../engine/index.ts';
import type { CustomerInput, WorklistDebtor } from './customer-input.ts';

export const DEBTOR_CUSTOMER_STORE = 'debtor-customers';

export class DebtorRouter implements Processor<string, WorklistDebtor | null, string, CustomerInput> {
  private ctx!: ProcessorContext<string, CustomerInput>;
  private customers!: KeyValueStore<string>;

  init(ctx: ProcessorContext<string, CustomerInput>): void {
    this.ctx = ctx;
    this.customers = ctx.getStateStore(DEBTOR_CUSTOMER_STORE);
  }

  process(debtorId: string, debtor: WorklistDebtor | null, timestamp: number): void {
    const previous = this.customers.get(debtorId);
    if (debtor === null) {
      if (previous === undefined) return;
      this.customers.delete(debtorId);
      this.ctx.forward(previous, { kind: 'left', debtorId }, timestamp);
      return;
    }
    if (previous !== debtor.customer_id) {
      // Written only on a change: most records keep the customer, and cost no changelog entry.
      this.customers.put(debtorId, debtor.customer_id);
      if (previous !== undefined) this.ctx.forward(previous, { kind: 'left', debtorId }, timestamp);
    }
    this.ctx.forward(debtor.customer_id, { kind: 'debtor', debtor }, timestamp);
  }
}
