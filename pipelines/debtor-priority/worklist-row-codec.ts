// The changelog value of a worklist row: a compact binary record (about 60 bytes for typical ids)
// instead of Avro or JSON, because a 10M-debtor heap is restored from 10M of them.
// Layout: version (u8), customer_id, partner_id, tenant_id (u16 byte length + UTF-8 each),
// debt_amount_cents (f64, a safe integer), days_past_due (i32), status (u8),
// default_probability (u8 present flag + f64), priority_score (f64). The key is the debtor_id.
import { DEBTOR_STATUSES, type WorklistRow } from './worklist-heap.ts';

const VERSION = 1;
const FIXED = 1 + 2 * 3 + 8 + 4 + 1 + 1 + 8 + 8;

export function encodeWorklistRow(row: WorklistRow): Buffer {
  const status = DEBTOR_STATUSES.indexOf(row.status);
  if (status < 0) throw new RangeError(`worklist: unknown status ${String(row.status)} of ${row.debtor_id}`);
  const c = Buffer.byteLength(row.customer_id, 'utf8');
  const p = Buffer.byteLength(row.partner_id, 'utf8');
  const t = Buffer.byteLength(row.tenant_id, 'utf8');
  if (c > 0xffff || p > 0xffff || t > 0xffff) throw new RangeError(`worklist: an id of ${row.debtor_id} is longer than 65535 bytes`);
  const buf = Buffer.allocUnsafe(FIXED + c + p + t);
  let o = buf.writeUInt8(VERSION, 0);
  o = buf.writeUInt16LE(c, o);
  o += buf.write(row.customer_id, o, 'utf8');
  o = buf.writeUInt16LE(p, o);
  o += buf.write(row.partner_id, o, 'utf8');
  o = buf.writeUInt16LE(t, o);
  o += buf.write(row.tenant_id, o, 'utf8');
  o = buf.writeDoubleLE(row.debt_amount_cents, o);
  o = buf.writeInt32LE(row.days_past_due, o);
  o = buf.writeUInt8(status, o);
  o = buf.writeUInt8(row.default_probability === null ? 0 : 1, o);
  o = buf.writeDoubleLE(row.default_probability ?? 0, o);
  buf.writeDoubleLE(row.priority_score, o);
  return buf;
}

export function decodeWorklistRow(debtorId: string, buf: Buffer): WorklistRow {
  if (buf.length < FIXED || buf[0] !== VERSION) throw new Error(`worklist: changelog value of ${debtorId} is not a version ${VERSION} row`);
  // Strings read inline, not by a helper closure: this runs 10M times in a restore.
  let o = 1;
  let n = buf.readUInt16LE(o);
  const customer_id = buf.toString('utf8', o + 2, o + 2 + n);
  o += 2 + n;
  n = buf.readUInt16LE(o);
  const partner_id = buf.toString('utf8', o + 2, o + 2 + n);
  o += 2 + n;
  n = buf.readUInt16LE(o);
  const tenant_id = buf.toString('utf8', o + 2, o + 2 + n);
  o += 2 + n;
  const debt_amount_cents = buf.readDoubleLE(o);
  const days_past_due = buf.readInt32LE(o + 8);
  const status = DEBTOR_STATUSES[buf[o + 12]];
  if (status === undefined) throw new Error(`worklist: changelog value of ${debtorId} has an unknown status ${buf[o + 12]}`);
  const hasPd = buf[o + 13] === 1;
  const pd = buf.readDoubleLE(o + 14);
  const priority_score = buf.readDoubleLE(o + 22);
  return {
    debtor_id: debtorId,
    customer_id,
    partner_id,
    tenant_id,
    debt_amount_cents,
    days_past_due,
    status,
    default_probability: hasPd ? pd : null,
    priority_score,
    on_worklist: true,
  };
}
