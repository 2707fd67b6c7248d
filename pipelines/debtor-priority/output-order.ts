// How a debtor's collection-priorities records are ordered, so the warehouse view collection_worklist
// (migration 0010) finds each debtor's latest one by (event_time, event_id) without Kafka offsets:
// event_time never goes back for a debtor, and event_id numbers the debtor's records in output order.

/** Digits of the sequence in an event_id: zero-padded so text order is numeric order. */
const SEQUENCE_DIGITS = 12;

export class PrioritySequenceError extends Error {
  constructor(sequence: number) {
    super(`collection-priorities sequence ${sequence} is not an integer in 1..${10 ** SEQUENCE_DIGITS - 1}`);
    this.name = 'PrioritySequenceError';
  }
}

/** The event_id of a debtor's `sequence`-th collection-priorities record (from 1): `<debtor_id>:<000000000001>`. */
export function priorityEventId(debtorId: string, sequence: number): string {
  if (!Number.isSafeInteger(sequence) || sequence < 1 || sequence >= 10 ** SEQUENCE_DIGITS) throw new PrioritySequenceError(sequence);
  return `${debtorId}:${String(sequence).padStart(SEQUENCE_DIGITS, '0')}`;
}

/**
 * The event_time of a debtor's next record: the time of the input that changed it (a debtor record or a
 * risk score), but never before the debtor's previous record, since a table takes the latest by arrival
 * and inputs may arrive out of event-time order.
 */
export function priorityEventTime(triggerEventTime: number, previousEventTime: number | undefined): number {
  return previousEventTime === undefined ? triggerEventTime : Math.max(triggerEventTime, previousEventTime);
}
