// The last step of debtor-priority, in the task of a customer's partition: each time the customer's
// debtors or its default probability change, every debtor of the customer whose row changed moves on
// (or off) the worklist heap and gets one `collection-priorities` record. A debtor whose row did not
// change (a re-sent record, a risk score that keeps the probability) gets none.
import type { KeyValueStore, Processor, ProcessorContext } from '../../engine/index.ts';
import type { CollectionPriority } from '../../schemas/types.ts';
import type { CustomerDebtors } from './customer-debtors.ts';
import { priorityEventId, priorityEventTime } from './output-order.ts';
import { priorityRecord, priorityRow, sameRow } from './priority-row.ts';
import type { RiskFactors } from './risk-factors.ts';
import type { WorklistRow } from './worklist-heap.ts';
import { WORKLIST_STORE, type WorklistStore } from './worklist-store.ts';

/** A customer's debtors with its latest default probability (null: none yet). */
export interface CustomerWorklistInput {
  debtors: CustomerDebtors;
  pd: number | null;
}

/**
 * What the pipeline remembers of a debtor's output: how many records it has had (the event_id
 * sequence), the event_time of the last one (never moved back) and the row it showed.
 */
export interface DebtorOutputState {
  seq: number;
  time: number;
  row: WorklistRow;
}

export const DEBTOR_OUTPUT_STORE = 'debtor-outputs';

export class WorklistUpdater implements Processor<string, CustomerWorklistInput | null, string, CollectionPriority> {
  private ctx!: ProcessorContext<string, CollectionPriority>;
  private worklist!: WorklistStore;
  private outputs!: KeyValueStore<DebtorOutputState>;

  constructor(private readonly factors: RiskFactors) {}

  init(ctx: ProcessorContext<string, CollectionPriority>): void {
    this.ctx = ctx;
    this.worklist = ctx.getStateStore(WORKLIST_STORE);
    this.outputs = ctx.getStateStore(DEBTOR_OUTPUT_STORE);
  }

  /** `timestamp`: the event time of the input that changed the customer (a debtor record or a risk score). */
  process(_customerId: string, input: CustomerWorklistInput | null, timestamp: number): void {
    if (input === null) return;
    for (const debtorId in input.debtors) {
      const debtor = input.debtors[debtorId];
      if (debtor === null) {
        // Left this customer: the task of its new customer lists it now.
        this.worklist.delete(debtorId);
        continue;
      }
      const row = priorityRow(debtor, input.pd, this.factors);
      const last = this.outputs.get(debtorId);
      if (last !== undefined && sameRow(last.row, row)) continue;
      const seq = (last?.seq ?? 0) + 1;
      const time = priorityEventTime(timestamp, last?.time);
      this.outputs.put(debtorId, { seq, time, row });
      if (row.on_worklist) this.worklist.put(row);
      else this.worklist.delete(debtorId);
      this.ctx.forward(debtorId, priorityRecord(row, priorityEventId(debtorId, seq), time), time);
    }
  }
}
