// What the task of a customer's partition is told: one of its debtors changed (the fields the worklist
// shows and scores), a debtor left it (moved to another customer, or deleted), or its default
// probability changed. Debtor records and departures name the debtor's generation at the customer
// (see output-order.ts). The first two come from the debtors' tasks through the repartition topic
// `debtors-by-customer`, as small Avro records (customerInputSerde); the third from risk-scores.
import type { Serde } from '../../engine/index.ts';
import { internalRecordSerde } from '../../schemas/internal-record-serde.ts';
import type { Debtor } from '../../schemas/types.ts';
import { DEBTOR_STATUSES } from './worklist-heap.ts';

/** The fields of a debtor record the worklist reads. */
export const WORKLIST_DEBTOR_FIELDS = [
  'tenant_id',
  'debtor_id',
  'customer_id',
  'partner_id',
  'debt_amount_cents',
  'days_past_due',
  'status',
  'broken_promises',
  'contact_attempts',
] as const satisfies readonly (keyof Debtor)[];

export type WorklistDebtor = Pick<Debtor, (typeof WORKLIST_DEBTOR_FIELDS)[number]>;

/**
 * - debtor: the debtor's latest record, in its `generation` at this customer; `since` is the stream
 *   time of the debtor's partition when the record was routed (a generation's first record starts no
 *   earlier);
 * - left: the debtor's `generation` at this customer ended: it moved to another customer, or was
 *   `deleted` (a tombstone);
 * - probability: the customer's latest default probability (null: none).
 */
export type CustomerInput =
  | { kind: 'debtor'; debtor: WorklistDebtor; generation: number; since: number }
  | { kind: 'left'; debtorId: string; generation: number; deleted: boolean }
  | { kind: 'probability'; pd: number | null };

/** Avro fields of what identifies a debtor on the worklist and what its row shows of its record. */
export const DEBTOR_ROW_AVRO_FIELDS = [
  { name: 'tenant_id', type: 'string' },
  { name: 'debtor_id', type: 'string' },
  { name: 'customer_id', type: 'string' },
  { name: 'partner_id', type: 'string' },
  { name: 'debt_amount_cents', type: 'long' },
  { name: 'days_past_due', type: 'int' },
  { name: 'status', type: { type: 'enum', name: 'DebtorStatus', symbols: [...DEBTOR_STATUSES] } },
];

const WORKLIST_DEBTOR_SCHEMA = {
  type: 'record',
  name: 'WorklistDebtor',
  fields: [...DEBTOR_ROW_AVRO_FIELDS, { name: 'broken_promises', type: 'int' }, { name: 'contact_attempts', type: 'int' }],
};

/** A repartition record: the debtor's worklist fields, or null when it left the customer. */
interface RepartitionRecord {
  debtor_id: string;
  generation: number;
  /** A debtor record's `since`; 0 for a departure. */
  since: number;
  /** A departure's `deleted`; false for a debtor record. */
  deleted: boolean;
  debtor: WorklistDebtor | null;
}

const repartitionRecordSerde = internalRecordSerde<RepartitionRecord>(
  {
    type: 'record',
    name: 'DebtorForCustomer',
    fields: [
      { name: 'debtor_id', type: 'string' },
      { name: 'generation', type: 'int' },
      { name: 'since', type: 'long' },
      { name: 'deleted', type: 'boolean' },
      { name: 'debtor', type: ['null', WORKLIST_DEBTOR_SCHEMA] },
    ],
  },
  'debtor-priority: a debtors-by-customer record',
);

/** The repartition topic's values (Avro, schema above): a debtor's worklist fields, or its departure. */
export const customerInputSerde: Serde<CustomerInput> = {
  serialize(input) {
    if (input.kind === 'left')
      return repartitionRecordSerde.serialize({
        debtor_id: input.debtorId,
        generation: input.generation,
        since: 0,
        deleted: input.deleted,
        debtor: null,
      });
    if (input.kind !== 'debtor') throw new RangeError(`debtor-priority: a ${input.kind} input does not go through the repartition topic`);
    return repartitionRecordSerde.serialize({
      debtor_id: input.debtor.debtor_id,
      generation: input.generation,
      since: input.since,
      deleted: false,
      debtor: input.debtor,
    });
  },
  deserialize(buf) {
    const r = repartitionRecordSerde.deserialize(buf);
    return r.debtor === null
      ? { kind: 'left', debtorId: r.debtor_id, generation: r.generation, deleted: r.deleted }
      : { kind: 'debtor', debtor: r.debtor, generation: r.generation, since: r.since };
  },
};
