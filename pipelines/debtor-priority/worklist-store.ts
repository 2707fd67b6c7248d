// The worklist as a changelogged state store: a WorklistHeap plus the debtor_ids changed since the
// last changelog take (a write cache: a debtor changed many times between commits is written once).
// Changelog entry: key = debtor_id (UTF-8), value = encodeWorklistRow(row), null = off the worklist.
// Restore replays those entries into the heap; the order is a total order on (priority_score,
// debtor_id), so a restored store answers the same top N as the one that wrote the changelog.
//
// Store operations, as a key-value store sees them: get(debtorId), put(row) (key = row.debtor_id),
// delete(debtorId), range = rows() (unordered), query = top(n, { partner, tenant }),
// flush = takeChanges().
import type { ChangelogEntry, StateStore, StoreSpec } from '../../engine/index.ts';
import { WorklistHeap, type WorklistFilter, type WorklistRow } from './worklist-heap.ts';
import { decodeWorklistRow, encodeWorklistRow } from './worklist-row-codec.ts';

export class WorklistStore implements StateStore {
  private readonly heap: WorklistHeap;
  private readonly dirty = new Set<string>();

  /** `capacity`: debtors expected, to size the heap's columns once. */
  constructor(
    readonly name: string,
    capacity?: number,
  ) {
    this.heap = new WorklistHeap(capacity);
  }

  get(debtorId: string): WorklistRow | undefined {
    return this.heap.get(debtorId);
  }

  /** Puts the debtor on the worklist (or replaces its row there). */
  put(row: WorklistRow): void {
    if (!row.on_worklist) throw new RangeError(`worklist: ${row.debtor_id} is put with on_worklist false; delete it instead`);
    this.heap.put(row);
    this.dirty.add(row.debtor_id);
  }

  /** Takes the debtor off the worklist; false when it was not on it. */
  delete(debtorId: string): boolean {
    if (!this.heap.delete(debtorId)) return false;
    this.dirty.add(debtorId);
    return true;
  }

  /** The best n debtors, optionally of one partner and/or tenant: priority_score desc, debtor_id asc. */
  top(n: number, filter?: WorklistFilter): WorklistRow[] {
    return this.heap.top(n, filter);
  }

  rows(): IterableIterator<WorklistRow> {
    return this.heap.rows();
  }

  size(): number {
    return this.heap.size;
  }

  takeChanges(): ChangelogEntry[] {
    const out: ChangelogEntry[] = [];
    for (const id of this.dirty) {
      const row = this.heap.get(id);
      out.push({ key: Buffer.from(id, 'utf8'), value: row === undefined ? null : encodeWorklistRow(row) });
    }
    this.dirty.clear();
    return out;
  }

  restore(key: Buffer, value: Buffer | null): void {
    const id = key.toString('utf8');
    if (value === null) this.heap.delete(id);
    else this.heap.put(decodeWorklistRow(id, value));
  }

  *dump(): Iterable<ChangelogEntry> {
    for (const row of this.heap.rows()) yield { key: Buffer.from(row.debtor_id, 'utf8'), value: encodeWorklistRow(row) };
  }
}

export function worklistStore(name: string, capacity?: number): StoreSpec {
  return { name, create: () => new WorklistStore(name, capacity) };
}
