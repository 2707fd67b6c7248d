// What the task of a customer's partition is told: one of its debtors changed (the fields the worklist
// shows and scores), a debtor left it (moved to another customer, or deleted), or its default
// probability changed. The first two come from the debtors' tasks through the repartition topic
// `debtors-by-customer`, in a compact binary form (customerInputSerde); the third from risk-scores.
import { SerdeDecodeError, type Serde } from '../../engine/index.ts';
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

const DEBTOR = 1;
const LEFT = 2;
/** kind, 4 string lengths (u16), debt (f64), days past due, promises, contacts (i32), status (u8). */
const DEBTOR_FIXED = 1 + 4 * 2 + 8 + 3 * 4 + 1;

/**
 * The repartition topic's values. Debtor: kind 1, debtor_id, customer_id, partner_id, tenant_id (u16
 * byte length + UTF-8 each), debt_amount_cents (f64), days_past_due, broken_promises,
 * contact_attempts (i32), status (u8). Left: kind 2, the debtor_id (UTF-8).
 */
export const customerInputSerde: Serde<CustomerInput> = {
  serialize(input) {
    if (input.kind === 'left') {
      const buf = Buffer.allocUnsafe(1 + Buffer.byteLength(input.debtorId, 'utf8'));
      buf[0] = LEFT;
      buf.write(input.debtorId, 1, 'utf8');
      return buf;
    }
    if (input.kind !== 'debtor') throw new RangeError(`debtor-priority: a ${input.kind} input does not go through the repartition topic`);
    const d = input.debtor;
    const status = DEBTOR_STATUSES.indexOf(d.status);
    if (status < 0) throw new RangeError(`debtor-priority: unknown status ${String(d.status)} of ${d.debtor_id}`);
    const ids = [d.debtor_id, d.customer_id, d.partner_id, d.tenant_id];
    let size = DEBTOR_FIXED;
    for (const id of ids) {
      const n = Buffer.byteLength(id, 'utf8');
      if (n > 0xffff) throw new RangeError(`debtor-priority: an id of ${d.debtor_id} is longer than 65535 bytes`);
      size += n;
    }
    const buf = Buffer.allocUnsafe(size);
    buf[0] = DEBTOR;
    let o = 1;
    for (const id of ids) {
      const n = buf.write(id, o + 2, 'utf8');
      buf.writeUInt16LE(n, o);
      o += 2 + n;
    }
    o = buf.writeDoubleLE(d.debt_amount_cents, o);
    o = buf.writeInt32LE(d.days_past_due, o);
    o = buf.writeInt32LE(d.broken_promises, o);
    o = buf.writeInt32LE(d.contact_attempts, o);
    buf[o] = status;
    return buf;
  },
  deserialize(buf) {
    if (buf === null || buf.length === 0) throw new SerdeDecodeError('debtor-priority: empty repartition value');
    if (buf[0] === LEFT) return { kind: 'left', debtorId: buf.toString('utf8', 1) };
    if (buf[0] !== DEBTOR || buf.length < DEBTOR_FIXED) throw new SerdeDecodeError(`debtor-priority: repartition value of kind ${buf[0]}`);
    let o = 1;
    let n = buf.readUInt16LE(o);
    const debtor_id = buf.toString('utf8', o + 2, o + 2 + n);
    o += 2 + n;
    n = buf.readUInt16LE(o);
    const customer_id = buf.toString('utf8', o + 2, o + 2 + n);
    o += 2 + n;
    n = buf.readUInt16LE(o);
    const partner_id = buf.toString('utf8', o + 2, o + 2 + n);
    o += 2 + n;
    n = buf.readUInt16LE(o);
    const tenant_id = buf.toString('utf8', o + 2, o + 2 + n);
    o += 2 + n;
    const status = DEBTOR_STATUSES[buf[o + 20]];
    if (status === undefined) throw new SerdeDecodeError(`debtor-priority: unknown status ${buf[o + 20]} of ${debtor_id}`);
    return {
      kind: 'debtor',
      debtor: {
        tenant_id,
        debtor_id,
        customer_id,
        partner_id,
        debt_amount_cents: buf.readDoubleLE(o),
        days_past_due: buf.readInt32LE(o + 8),
        broken_promises: buf.readInt32LE(o + 12),
        contact_attempts: buf.readInt32LE(o + 16),
        status,
      },
    };
  },
};
