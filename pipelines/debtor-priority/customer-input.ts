// What the task of a customer's partition is told: one of its debtors changed (the fields the worklist
// shows and scores), a debtor left it (moved to another customer, or deleted), or its default
// probability changed. The first two come from the debtors' tasks through the repartition topic
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

export type CustomerInput =
  { kind: 'debtor'; debtor: WorklistDebtor } | { kind: 'left'; debtorId: string } | { kind: 'probability'; pd: number | null };

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
  debtor: WorklistDebtor | null;
}

const repartitionRecordSerde = internalRecordSerde<RepartitionRecord>(
  {
    type: 'record',
    name: 'DebtorForCustomer',
    fields: [
      { name: 'debtor_id', type: 'string' },
      { name: 'debtor', type: ['null', WORKLIST_DEBTOR_SCHEMA] },
    ],
  },
  'debtor-priority: a debtors-by-customer record',
);

/** The repartition topic's values (Avro, schema above): a debtor's worklist fields, or its departure. */
export const customerInputSerde: Serde<CustomerInput> = {
  serialize(input) {
    if (input.kind === 'left') return repartitionRecordSerde.serialize({ debtor_id: input.debtorId, debtor: null });
    if (input.kind !== 'debtor') throw new RangeError(`debtor-priority: a ${input.kind} input does not go through the repartition topic`);
    return repartitionRecordSerde.serialize({ debtor_id: input.debtor.debtor_id, debtor: input.debtor });
  },
  deserialize(buf) {
    const record = repartitionRecordSerde.deserialize(buf);
    return record.debtor === null ? { kind: 'left', debtorId: record.debtor_id } : { kind: 'debtor', debtor: record.debtor };
  },
};
