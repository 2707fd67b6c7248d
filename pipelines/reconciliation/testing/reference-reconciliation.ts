// Test oracle: what the reconciliation pipeline must output for given debtors and partner records,
// computed by brute force and independently of the pipeline's state stores and timers. It replays what
// one stream task does, record by record:
//
// - A task owns one partition of each input (co-partitioned by debtor_id; `taskOf` says which, default
//   one task). It takes its records in event-time order of the partitions' head records, as Kafka
//   Streams does; on equal head times the debtors record goes first, so a book record dated at the very
//   instant of a partner record is in force for it. Within a partition, records keep arrival order.
// - Stream time = the largest event_time the task has taken.
// - A partner record is compared with the book record in force at its event_time: among the debtors
//   records of that debtor the task has taken so far, the latest event_time <= the partner record's;
//   between equal event_times, the one taken last. No such record: MISSING_IN_BOOK.
// - MISSING_AT_PARTNER: when the task takes a debtor's first book record (event_time t) and has taken no
//   partner record about that debtor yet, a timer is set for the deadline t + missingAfterMs. It fires
//   once stream time >= the deadline, after the record that moved stream time there (Kafka Streams'
//   punctuation order). A partner record about the debtor taken before then cancels it, if it is dated
//   at or before the deadline; one dated after the deadline fires the timer first (the debtor was not
//   reported by t + missingAfterMs), then gets its own result. So the rule is: a partner record dated
//   <= the deadline and taken before stream time passes the deadline. Timers due together fire by
//   deadline, then debtor_id.
// - Book history: the pipeline keeps book versions only `bookHistoryMs` behind stream time; a partner
//   record dated earlier than that is listed in `beyondHistory` (the oracle still compares it with the
//   full history, so a test sees when the retention would matter).
import type { Debtor, PartnerRecord, ReconciliationResult } from '../../../schemas/types.ts';
import { missingAtPartner, reconcile } from '../reconcile.ts';
import type { ReconciliationRule } from '../rules.ts';

export interface ReferenceOptions {
  rules: readonly ReconciliationRule[];
  missingAfterMs: number;
  bookHistoryMs?: number;
  /** The task (partition) of a debtor_id; default: everything in one task. */
  taskOf?: (debtorId: string) => number;
}

export interface ReferenceInput {
  /** In arrival (offset) order. */
  debtors: readonly Debtor[];
  /** In arrival (offset) order. */
  partnerRecords: readonly PartnerRecord[];
}

export interface ReferenceOutput {
  /** In the order the tasks emit them, task by task. */
  results: ReconciliationResult[];
  /** event_ids of partner records dated more than bookHistoryMs behind their task's stream time. */
  beyondHistory: string[];
  /** Stream time of each task once everything is taken. */
  finalStreamTime: Map<number, number>;
}

type Taken = { topic: 'debtors'; record: Debtor } | { topic: 'partner-records'; record: PartnerRecord };

export function referenceReconciliation(input: ReferenceInput, opts: ReferenceOptions): ReferenceOutput {
  const taskOf = opts.taskOf ?? (() => 0);
  const tasks = new Map<number, { debtors: Debtor[]; partners: PartnerRecord[] }>();
  const taskFor = (id: number) => {
    let t = tasks.get(id);
    if (!t) tasks.set(id, (t = { debtors: [], partners: [] }));
    return t;
  };
  for (const d of input.debtors) taskFor(taskOf(d.debtor_id)).debtors.push(d);
  for (const p of input.partnerRecords) taskFor(taskOf(p.debtor_id)).partners.push(p);

  const out: ReferenceOutput = { results: [], beyondHistory: [], finalStreamTime: new Map() };
  for (const id of [...tasks.keys()].sort((a, b) => a - b)) {
    const { debtors, partners } = tasks.get(id)!;
    out.finalStreamTime.set(id, runTask(inOrder(debtors, partners), opts, out));
  }
  return out;
}

/** The task's records in the order it takes them: the earlier head first, debtors on a tie. */
function inOrder(debtors: Debtor[], partners: PartnerRecord[]): Taken[] {
  const order: Taken[] = [];
  let i = 0;
  let j = 0;
  while (i < debtors.length || j < partners.length) {
    const takeDebtor = j >= partners.length || (i < debtors.length && debtors[i].event_time <= partners[j].event_time);
    order.push(takeDebtor ? { topic: 'debtors', record: debtors[i++] } : { topic: 'partner-records', record: partners[j++] });
  }
  return order;
}

function runTask(order: Taken[], opts: ReferenceOptions, out: ReferenceOutput): number {
  const book: Debtor[] = [];
  const seenInBook = new Set<string>();
  const reported = new Set<string>();
  const timers = new Map<string, { deadline: number; first: Debtor }>();
  let streamTime = -Infinity;

  const fire = (t: { first: Debtor }) => {
    timers.delete(t.first.debtor_id);
    out.results.push(missingAtPartner(t.first, opts.missingAfterMs));
  };
  const fireDue = () => {
    const due = [...timers.values()]
      .filter((t) => t.deadline <= streamTime)
      .sort((a, b) => a.deadline - b.deadline || (a.first.debtor_id < b.first.debtor_id ? -1 : 1));
    for (const t of due) fire(t);
  };

  for (const taken of order) {
    streamTime = Math.max(streamTime, taken.record.event_time);
    if (taken.topic === 'debtors') {
      const d = taken.record;
      book.push(d);
      if (!seenInBook.has(d.debtor_id)) {
        seenInBook.add(d.debtor_id);
        if (!reported.has(d.debtor_id)) timers.set(d.debtor_id, { deadline: d.event_time + opts.missingAfterMs, first: d });
      }
    } else {
      const p = taken.record;
      const pending = timers.get(p.debtor_id);
      if (pending && pending.deadline < p.event_time) fire(pending);
      if (opts.bookHistoryMs !== undefined && p.event_time < streamTime - opts.bookHistoryMs) out.beyondHistory.push(p.event_id);
      let inForce: Debtor | undefined;
      for (const d of book)
        if (d.debtor_id === p.debtor_id && d.event_time <= p.event_time && (!inForce || d.event_time >= inForce.event_time)) inForce = d;
      out.results.push(reconcile(p, inForce, opts.rules));
      reported.add(p.debtor_id);
      timers.delete(p.debtor_id);
    }
    fireDue();
  }
  return streamTime;
}
