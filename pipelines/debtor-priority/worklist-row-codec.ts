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

/** A row's fields as decoded in place: the ids as byte ranges of the value, no string made. */
export interface EncodedWorklistFields {
  customerStart: number;
  customerEnd: number;
  partnerStart: number;
  partnerEnd: number;
  tenantStart: number;
  tenantEnd: number;
  debt_amount_cents: number;
  days_past_due: number;
  /** Index in DEBTOR_STATUSES. */
  status: number;
  /** NaN: null. */
  default_probability: number;
  priority_score: number;
}

export function emptyEncodedFields(): EncodedWorklistFields {
  return {
    customerStart: 0,
    customerEnd: 0,
    partnerStart: 0,
    partnerEnd: 0,
    tenantStart: 0,
    tenantEnd: 0,
    debt_amount_cents: 0,
    days_past_due: 0,
    status: 0,
    default_probability: NaN,
    priority_score: 0,
  };
}

/**
 * Decodes a changelog value into `out` (reused between calls) without allocating: a restore of
 * 10M rows then makes no garbage but the debtor_id strings.
 */
export function decodeWorklistFields(key: Buffer, buf: Buffer, out: EncodedWorklistFields): EncodedWorklistFields {
  if (buf.length < FIXED || buf[0] !== VERSION)
    throw new Error(`worklist: changelog value of ${key.toString('utf8')} is not a version ${VERSION} row`);
  let o = 1;
  out.customerStart = o + 2;
  out.customerEnd = o = out.customerStart + buf.readUInt16LE(o);
  out.partnerStart = o + 2;
  out.partnerEnd = o = out.partnerStart + buf.readUInt16LE(o);
  out.tenantStart = o + 2;
  out.tenantEnd = o = out.tenantStart + buf.readUInt16LE(o);
  out.debt_amount_cents = buf.readDoubleLE(o);
  out.days_past_due = buf.readInt32LE(o + 8);
  out.status = buf[o + 12];
  if (out.status >= DEBTOR_STATUSES.length)
    throw new Error(`worklist: changelog value of ${key.toString('utf8')} has an unknown status ${out.status}`);
  out.default_probability = buf[o + 13] === 1 ? buf.readDoubleLE(o + 14) : NaN;
  out.priority_score = buf.readDoubleLE(o + 22);
  return out;
}
