// The last step of debtor-priority, in the task of a customer's partition: each time one of the
// customer's debtors or the customer's default probability changes, every debtor of the customer in
// this task whose row changed moves on (or off) the worklist heap and gets one `collection-priorities`
// record. A debtor whose row did not change (a re-sent record, a risk score that keeps the
// probability) gets none.
//
// State: the `worklist` store (DebtorWorklistStore: debtor -> what the next record of the debtor needs,
// DebtorState, and the heap of those on the worklist) and two plain key-value stores: customer ->
// default probability, customer -> the ids of its debtors listed in this task.
import type { KeyValueStore, Processor, ProcessorContext } from '../../engine/index.ts';
import type { CollectionPriority } from '../../schemas/types.ts';
import type { CustomerInput, WorklistDebtor } from './customer-input.ts';
import { priorityEventId, priorityEventTime } from './output-order.ts';
import { priorityRecord, priorityRow, sameRow } from './priority-row.ts';
import type { RiskFactors } from './risk-factors.ts';
import type { WorklistRow } from './worklist-heap.ts';
import type { DebtorWorklistStore } from './debtor-worklist-store.ts';
import { WORKLIST_STORE } from './worklist-store.ts';

/**
 * What the pipeline remembers of a debtor: its generation at its customer (see output-order.ts), how
 * many records the generation has had (the event_id sequence), the event_time of the last one (never
 * moved back), the row it showed, the two scored fields the row does not show (to re-score it when
 * its customer's probability changes), and whether it is listed under its row's customer (false once
 * the generation ended).
 */
export interface DebtorState {
  generation: number;
  seq: number;
  time: number;
  row: WorklistRow;
  broken_promises: number;
  contact_attempts: number;
  listed: boolean;
}

export const CUSTOMER_DEBTORS_STORE = 'customer-debtor-ids';
export const CUSTOMER_PD_STORE = 'customer-probabilities';

export class WorklistUpdater implements Processor<string, CustomerInput, string, CollectionPriority> {
  private ctx!: ProcessorContext<string, CollectionPriority>;
  private states!: DebtorWorklistStore;
  private members!: KeyValueStore<string[]>;
  private probabilities!: KeyValueStore<number>;

  constructor(private readonly factors: RiskFactors) {}

  init(ctx: ProcessorContext<string, CollectionPriority>): void {
    this.ctx = ctx;
    this.states = ctx.getStateStore(WORKLIST_STORE);
    this.members = ctx.getStateStore(CUSTOMER_DEBTORS_STORE);
    this.probabilities = ctx.getStateStore(CUSTOMER_PD_STORE);
  }

  /** `timestamp`: the event time of the input (a debtor record or a risk score). */
  process(customerId: string, input: CustomerInput, timestamp: number): void {
    if (input.kind === 'debtor') this.debtorChanged(customerId, input.debtor, input.generation, input.since, timestamp);
    else if (input.kind === 'left') this.debtorLeft(customerId, input.debtorId, input.generation, input.deleted, timestamp);
    else this.probabilityChanged(customerId, input.pd);
  }

  private debtorChanged(customerId: string, debtor: WorklistDebtor, generation: number, since: number, timestamp: number): void {
    const id = debtor.debtor_id;
    const state = this.states.get(id);
    if (state !== undefined && state.generation > generation) return; // a record of an ended generation: none is sent
    const row = priorityRow(debtor, this.probabilities.get(customerId) ?? null, this.factors);
    if (state === undefined || state.generation < generation) {
      // A new generation here: its first record always goes out, since the debtor's latest record
      // may be another customer's (in another task).
      if (state?.listed) this.unlist(state.row.customer_id, id);
      this.list(customerId, id);
      const first: DebtorState = {
        generation,
        seq: 0,
        time: since,
        row,
        broken_promises: debtor.broken_promises,
        contact_attempts: debtor.contact_attempts,
        listed: true,
      };
      this.emit(id, first, row, debtor.broken_promises, debtor.contact_attempts, priorityEventTime(timestamp, since));
      return;
    }
    if (sameRow(state.row, row)) {
      if (state.broken_promises !== debtor.broken_promises || state.contact_attempts !== debtor.contact_attempts) {
        state.broken_promises = debtor.broken_promises;
        state.contact_attempts = debtor.contact_attempts;
        this.states.put(id, state);
      }
      return;
    }
    this.emit(id, state, row, debtor.broken_promises, debtor.contact_attempts, priorityEventTime(timestamp, state.time));
  }

  private debtorLeft(customerId: string, debtorId: string, generation: number, deleted: boolean, timestamp: number): void {
    const state = this.states.get(debtorId);
    if (state === undefined || state.generation !== generation || !state.listed) return;
    // Its new customer's task lists it now (or, deleted, nobody does).
    this.unlist(customerId, debtorId);
    if (deleted && state.row.on_worklist) {
      // Its last record must say it left the worklist, or the warehouse view would keep it.
      this.emit(
        debtorId,
        state,
        { ...state.row, on_worklist: false },
        state.broken_promises,
        state.contact_attempts,
        Math.max(timestamp, state.time),
      );
    }
    state.listed = false;
    this.states.put(debtorId, state);
  }

  private probabilityChanged(customerId: string, pd: number | null): void {
    const known = this.probabilities.get(customerId) ?? null;
    if (pd === known) return;
    if (pd === null) this.probabilities.delete(customerId);
    else this.probabilities.put(customerId, pd);
    const ids = this.members.get(customerId);
    if (ids === undefined) return;
    for (const id of ids) {
      const state = this.states.get(id)!;
      // The debtor's last record, rebuilt from its state: what priorityRow scores.
      const debtor: WorklistDebtor = { ...state.row, broken_promises: state.broken_promises, contact_attempts: state.contact_attempts };
      const row = priorityRow(debtor, pd, this.factors);
      if (!sameRow(state.row, row)) this.emit(id, state, row, state.broken_promises, state.contact_attempts, state.time);
    }
  }

  /** The debtor's next record of `state`'s generation, at event time `time`; `state` is updated in place. */
  private emit(id: string, state: DebtorState, row: WorklistRow, brokenPromises: number, contactAttempts: number, time: number): void {
    // In place: the store serialises it at the next commit, and one object less is garbage.
    state.seq++;
    state.time = time;
    state.row = row;
    state.broken_promises = brokenPromises;
    state.contact_attempts = contactAttempts;
    state.listed = true;
    this.states.put(id, state);
    this.ctx.forward(id, priorityRecord(row, priorityEventId(id, state.generation, state.seq), time), time);
  }

  private list(customerId: string, debtorId: string): void {
    const ids = this.members.get(customerId);
    if (ids === undefined) this.members.put(customerId, [debtorId]);
    else if (!ids.includes(debtorId)) {
      ids.push(debtorId);
      this.members.put(customerId, ids);
    }
  }

  private unlist(customerId: string, debtorId: string): void {
    const ids = this.members.get(customerId);
    const i = ids === undefined ? -1 : ids.indexOf(debtorId);
    if (i < 0) return;
    ids!.splice(i, 1);
    if (ids!.length === 0) this.members.delete(customerId);
    else this.members.put(customerId, ids!);
  }
}
