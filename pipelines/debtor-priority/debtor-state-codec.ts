// The changelog value of a debtor's state (DebtorState): a compact binary record rather than JSON,
// since every debtor changed since the last commit is written at the commit.
// Layout: version (u8), flags (u8: 1 listed, 2 on_worklist), seq, time (f64), broken_promises,
// contact_attempts (i32), debtor_id, customer_id, partner_id, tenant_id (u16 byte length + UTF-8
// each), debt_amount_cents (f64), days_past_due (i32), status (u8), default_probability (u8 present
// flag + f64), priority_score (f64).
import { SerdeDecodeError, type Serde } from '../../engine/index.ts';
import { DEBTOR_STATUSES } from './worklist-heap.ts';
import type { DebtorState } from './worklist-updater.ts';

const VERSION = 1;
const LISTED = 1;
const ON_WORKLIST = 2;
const FIXED = 1 + 1 + 8 + 8 + 4 + 4 + 4 * 2 + 8 + 4 + 1 + 1 + 8 + 8;

export const debtorStateSerde: Serde<DebtorState> = {
  serialize(state) {
    const row = state.row;
    const status = DEBTOR_STATUSES.indexOf(row.status);
    if (status < 0) throw new RangeError(`debtor-priority: unknown status ${String(row.status)} of ${row.debtor_id}`);
    const ids = [row.debtor_id, row.customer_id, row.partner_id, row.tenant_id];
    let size = FIXED;
    for (const id of ids) {
      const n = Buffer.byteLength(id, 'utf8');
      if (n > 0xffff) throw new RangeError(`debtor-priority: an id of ${row.debtor_id} is longer than 65535 bytes`);
      size += n;
    }
    const buf = Buffer.allocUnsafe(size);
    buf[0] = VERSION;
    buf[1] = (state.listed ? LISTED : 0) | (row.on_worklist ? ON_WORKLIST : 0);
    let o = buf.writeDoubleLE(state.seq, 2);
    o = buf.writeDoubleLE(state.time, o);
    o = buf.writeInt32LE(state.broken_promises, o);
    o = buf.writeInt32LE(state.contact_attempts, o);
    for (const id of ids) {
      const n = buf.write(id, o + 2, 'utf8');
      buf.writeUInt16LE(n, o);
      o += 2 + n;
    }
    o = buf.writeDoubleLE(row.debt_amount_cents, o);
    o = buf.writeInt32LE(row.days_past_due, o);
    buf[o++] = status;
    buf[o++] = row.default_probability === null ? 0 : 1;
    o = buf.writeDoubleLE(row.default_probability ?? 0, o);
    buf.writeDoubleLE(row.priority_score, o);
    return buf;
  },
  deserialize(buf) {
    if (buf === null || buf.length < FIXED || buf[0] !== VERSION)
      throw new SerdeDecodeError(`debtor-priority: a debtor state is not a version ${VERSION} record`);
    const flags = buf[1];
    let o = 26;
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
    const status = DEBTOR_STATUSES[buf[o + 12]];
    if (status === undefined) throw new SerdeDecodeError(`debtor-priority: unknown status ${buf[o + 12]} of ${debtor_id}`);
    return {
      seq: buf.readDoubleLE(2),
      time: buf.readDoubleLE(10),
      broken_promises: buf.readInt32LE(18),
      contact_attempts: buf.readInt32LE(22),
      listed: (flags & LISTED) !== 0,
      row: {
        debtor_id,
        customer_id,
        partner_id,
        tenant_id,
        debt_amount_cents: buf.readDoubleLE(o),
        days_past_due: buf.readInt32LE(o + 8),
        status,
        default_probability: buf[o + 13] === 1 ? buf.readDoubleLE(o + 14) : null,
        priority_score: buf.readDoubleLE(o + 22),
        on_worklist: (flags & ON_WORKLIST) !== 0,
      },
    };
  },
};
