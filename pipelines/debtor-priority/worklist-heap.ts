// The collection worklist in memory: the debtors on it, by priority_score descending and
// debtor_id ascending on ties (CONTRACTS §9), with every output field of a debtor kept beside the
// heap in typed-array columns indexed by the heap's slot, so top(n) returns full rows and 10M
// debtors fit in under 200 resident bytes each. Partners and tenants are interned to small
// integers and each has its own heap (GroupedHeaps), so a filtered top N is as fast as a plain one.
import { GroupedHeaps, IndexedHeap, SlotStrings, grownFloat64, grownInt32, grownUint8 } from '../../engine/index.ts';
import type { DebtorStatus } from '../../schemas/types.ts';
import type { EncodedWorklistFields } from './worklist-row-codec.ts';

/** One debtor on the worklist: the debtor fields of a `collection-priorities` record. */
export interface WorklistRow {
  debtor_id: string;
  customer_id: string;
  partner_id: string;
  tenant_id: string;
  debt_amount_cents: number;
  days_past_due: number;
  status: DebtorStatus;
  /** null: the customer has no risk score yet. */
  default_probability: number | null;
  priority_score: number;
  on_worklist: boolean;
}

export interface WorklistFilter {
  partner?: string;
  tenant?: string;
}

export const DEBTOR_STATUSES: readonly DebtorStatus[] = ['ACTIVE', 'PAYING', 'SETTLED', 'WRITTEN_OFF'];

/** Strings ↔ small integers, for the few distinct partner and tenant ids. */
export class StringTable {
  private readonly indexOf = new Map<string, number>();
  private readonly values: string[] = [];
  /** Hash of a value's UTF-8 bytes → its index (the first value with that hash). */
  private readonly indexOfHash = new Map<number, number>();
  private readonly bytes: Buffer[] = [];

  /** intern() of the UTF-8 bytes [start, end) of `buf`, without making a string when already known. */
  internBytes(buf: Buffer, start: number, end: number): number {
    let h = 0x811c9dc5;
    for (let i = start; i < end; i++) h = Math.imul(h ^ buf[i], 0x01000193);
    const i = this.indexOfHash.get(h);
    if (i !== undefined) {
      const known = this.bytes[i];
      if (known.length === end - start && known.compare(buf, start, end) === 0) return i;
    }
    const index = this.intern(buf.toString('utf8', start, end));
    if (i === undefined) this.indexOfHash.set(h, index);
    return index;
  }

  intern(value: string): number {
    let i = this.indexOf.get(value);
    if (i === undefined) {
      i = this.values.length;
      this.values.push(value);
      this.bytes.push(Buffer.from(value, 'utf8'));
      this.indexOf.set(value, i);
    }
    return i;
  }

  /** The value's index, or -1 when never interned. */
  find(value: string): number {
    return this.indexOf.get(value) ?? -1;
  }

  at(index: number): string {
    return this.values[index];
  }
}

export class WorklistHeap {
  private readonly heap: IndexedHeap;
  private readonly byPartner: GroupedHeaps;
  private readonly byTenant: GroupedHeaps;
  private readonly partners = new StringTable();
  private readonly tenants = new StringTable();
  private readonly customers: SlotStrings;
  private debts: Float64Array;
  private pds: Float64Array; // NaN = null
  private dpds: Int32Array;
  private statuses: Uint8Array;

  /** `capacity`: debtors expected, to size the columns once. */
  constructor(capacity = 16) {
    this.heap = new IndexedHeap(capacity);
    this.byPartner = new GroupedHeaps(this.heap, capacity);
    this.byTenant = new GroupedHeaps(this.heap, capacity);
    this.customers = new SlotStrings(capacity);
    this.debts = new Float64Array(Math.max(16, capacity));
    this.pds = new Float64Array(Math.max(16, capacity));
    this.dpds = new Int32Array(Math.max(16, capacity));
    this.statuses = new Uint8Array(Math.max(16, capacity));
  }

  get size(): number {
    return this.heap.size;
  }

  has(debtorId: string): boolean {
    return this.heap.has(debtorId);
  }

  /** Puts the debtor on the worklist, or replaces its row there. */
  put(row: WorklistRow): void {
    const status = DEBTOR_STATUSES.indexOf(row.status);
    if (status < 0) throw new RangeError(`worklist: unknown status ${String(row.status)} of ${row.debtor_id}`);
    const slot = this.grown(this.heap.upsert(row.debtor_id, row.priority_score));
    this.customers.set(slot, row.customer_id);
    this.debts[slot] = row.debt_amount_cents;
    this.pds[slot] = row.default_probability ?? NaN;
    this.dpds[slot] = row.days_past_due;
    this.statuses[slot] = status;
    this.byPartner.set(slot, this.partners.intern(row.partner_id));
    this.byTenant.set(slot, this.tenants.intern(row.tenant_id));
  }

  /**
   * put() of each row in order, the heap updated for all of them at once (IndexedHeap.upsertMany:
   * the cache misses of different debtors overlap), so a batch of rows costs less than as many put()s.
   */
  putMany(rows: readonly WorklistRow[]): void {
    const statuses = rows.map((row) => {
      const status = DEBTOR_STATUSES.indexOf(row.status);
      if (status < 0) throw new RangeError(`worklist: unknown status ${String(row.status)} of ${row.debtor_id}`);
      return status;
    });
    const slots = new Int32Array(rows.length);
    this.heap.upsertMany(
      rows.map((row) => row.debtor_id),
      rows.map((row) => row.priority_score),
      rows.length,
      slots,
    );
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i];
      const slot = this.grown(slots[i]);
      this.customers.set(slot, row.customer_id);
      this.debts[slot] = row.debt_amount_cents;
      this.pds[slot] = row.default_probability ?? NaN;
      this.dpds[slot] = row.days_past_due;
      this.statuses[slot] = statuses[i];
      this.byPartner.set(slot, this.partners.intern(row.partner_id));
      this.byTenant.set(slot, this.tenants.intern(row.tenant_id));
    }
  }

  /**
   * put() of a row still in its changelog bytes (see decodeWorklistFields), its debtor_id the bytes
   * [idStart, idEnd) of `key`: no row object and no string made.
   */
  putEncoded(key: Buffer, idStart: number, idEnd: number, buf: Buffer, f: EncodedWorklistFields): void {
    const slot = this.grown(this.heap.upsertBytes(key, idStart, idEnd, f.priority_score));
    this.customers.setBytes(slot, buf, f.customerStart, f.customerEnd);
    this.debts[slot] = f.debt_amount_cents;
    this.pds[slot] = f.default_probability;
    this.dpds[slot] = f.days_past_due;
    this.statuses[slot] = f.status;
    this.byPartner.set(slot, this.partners.internBytes(buf, f.partnerStart, f.partnerEnd));
    this.byTenant.set(slot, this.tenants.internBytes(buf, f.tenantStart, f.tenantEnd));
  }

  /** delete() of the debtor whose id is the bytes [idStart, idEnd) of `key`. */
  deleteEncoded(key: Buffer, idStart: number, idEnd: number): boolean {
    const slot = this.heap.removeBytes(key, idStart, idEnd);
    if (slot < 0) return false;
    this.forget(slot);
    return true;
  }

  /** The slot, with the columns grown to hold it. */
  private grown(slot: number): number {
    const need = slot + 1;
    if (need > this.debts.length) {
      this.debts = grownFloat64(this.debts, need);
      this.pds = grownFloat64(this.pds, need);
      this.dpds = grownInt32(this.dpds, need);
      this.statuses = grownUint8(this.statuses, need);
    }
    return slot;
  }

  /** Takes the debtor off the worklist; false when it was not on it. */
  delete(debtorId: string): boolean {
    const slot = this.heap.remove(debtorId);
    if (slot < 0) return false;
    this.forget(slot);
    return true;
  }

  private forget(slot: number): void {
    this.byPartner.delete(slot);
    this.byTenant.delete(slot);
    this.customers.clear(slot);
  }

  get(debtorId: string): WorklistRow | undefined {
    const slot = this.heap.slotOf(debtorId);
    return slot < 0 ? undefined : this.rowAt(slot);
  }

  /** The best n debtors (of one partner and/or tenant), best first; the heap is left as it was. */
  top(n: number, filter: WorklistFilter = {}): WorklistRow[] {
    const partner = filter.partner === undefined ? undefined : this.partners.find(filter.partner);
    const tenant = filter.tenant === undefined ? undefined : this.tenants.find(filter.tenant);
    if (partner === -1 || tenant === -1) return [];
    let slots: number[];
    if (partner !== undefined && tenant !== undefined) {
      // Walk the smaller group's heap, keeping the slots of the other group.
      slots =
        this.byPartner.sizeOf(partner) <= this.byTenant.sizeOf(tenant)
          ? this.byPartner.top(partner, n, (s) => this.byTenant.groupOf(s) === tenant)
          : this.byTenant.top(tenant, n, (s) => this.byPartner.groupOf(s) === partner);
    } else if (partner !== undefined) slots = this.byPartner.top(partner, n);
    else if (tenant !== undefined) slots = this.byTenant.top(tenant, n);
    else slots = this.heap.topSlots(n);
    return slots.map((s) => this.rowAt(s));
  }

  /** Every row, in no particular order. */
  *rows(): IterableIterator<WorklistRow> {
    for (const slot of this.heap.slots()) yield this.rowAt(slot);
  }

  private rowAt(slot: number): WorklistRow {
    const pd = this.pds[slot];
    return {
      debtor_id: this.heap.idAt(slot),
      customer_id: this.customers.get(slot),
      partner_id: this.partners.at(this.byPartner.groupOf(slot)),
      tenant_id: this.tenants.at(this.byTenant.groupOf(slot)),
      debt_amount_cents: this.debts[slot],
      days_past_due: this.dpds[slot],
      status: DEBTOR_STATUSES[this.statuses[slot]],
      default_probability: Number.isNaN(pd) ? null : pd,
      priority_score: this.heap.priorityAt(slot),
      on_worklist: true,
    };
  }
}
