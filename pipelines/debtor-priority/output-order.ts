// How a debtor's collection-priorities records are ordered, so the warehouse view collection_worklist
// (migration 0014) finds each debtor's latest one by (event_time, event_id) without Kafka offsets.
//
// A debtor's records come from the task of its customer's partition, which changes when the debtor
// moves to another customer or is deleted and re-created. Each such placement is a generation,
// numbered by the debtor's partition task (DebtorRouter), which sees every record of the debtor in
// order; the customer's task numbers the records of a generation from 1. event_id is
// `<debtor_id>:<generation>:<sequence>`, both zero-padded, so text order is (generation, sequence)
// order. event_time never goes back within a generation, and a generation starts no earlier than the
// debtor partition's stream time when it was placed, which is at least every earlier debtor record's
// time; a record that a risk score caused keeps the debtor's last event_time (a risk score's time is
// not known where the next generation starts). So (event_time, event_id) order is the order of the
// records, across moves, deletions and re-creations.

/** Digits of the generation in an event_id. */
const GENERATION_DIGITS = 6;
/** Digits of the sequence in an event_id. */
const SEQUENCE_DIGITS = 12;

export class PrioritySequenceError extends Error {
  constructor(what: 'generation' | 'sequence', n: number, digits: number) {
    super(`collection-priorities ${what} ${n} is not an integer in 1..${10 ** digits - 1}`);
    this.name = 'PrioritySequenceError';
  }
}

function padded(what: 'generation' | 'sequence', n: number, digits: number): string {
  if (!Number.isSafeInteger(n) || n < 1 || n >= 10 ** digits) throw new PrioritySequenceError(what, n, digits);
  return String(n).padStart(digits, '0');
}

/**
 * The event_id of the `sequence`-th record (from 1) of a debtor's `generation` (from 1):
 * `<debtor_id>:<000001>:<000000000001>`.
 */
export function priorityEventId(debtorId: string, generation: number, sequence: number): string {
  return `${debtorId}:${padded('generation', generation, GENERATION_DIGITS)}:${padded('sequence', sequence, SEQUENCE_DIGITS)}`;
}

/**
 * The event_time of a debtor's next record caused by a debtor record: the record's time, but never
 * before the debtor's previous record of the generation (a table takes the latest by arrival, and
 * inputs may arrive out of event-time order), nor before the generation started.
 */
export function priorityEventTime(triggerEventTime: number, previousEventTime: number): number {
  return Math.max(triggerEventTime, previousEventTime);
}
