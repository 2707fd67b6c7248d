// The worklist as a changelogged state store: a WorklistHeap plus the debtor_ids changed since the
// last changelog take (a write cache: a debtor changed many times between commits is written once).
// Changelog entry: key = debtor_id (UTF-8), value = encodeWorklistRow(row), null = off the worklist.
// Restore replays those entries into the heap; the order is a total order on (priority_score,
// debtor_id), so a restored store answers the same top N as the one that wrote the changelog.
//
// Store operations, as a key-value store sees them: get(debtorId), put(row) (key = row.debtor_id),
// delete(debtorId), range = rows() (unordered), query = top(n, { partner, tenant }),
// flush = takeChanges(). Interactive queries (see worklist-query.ts): top, get and range.
//
// The debtor-priority topology keeps its `worklist` in a DebtorWorklistStore (the debtors' states,
// the heap derived from them); this store, rows only, is the heap as the 10M-debtor benches
// (bench/heap-measure.ts) and the worklist query tests (testing/worklist-test-topology.ts) use it.
import { customStore, type ChangelogEntry, type QueryRow, type StateStore, type StoreQuery, type StoreSpec } from '../../engine/index.ts';
import { WorklistHeap, type WorklistFilter, type WorklistRow } from './worklist-heap.ts';
import { answerWorklistQuery, mergeWorklistAnswers } from './worklist-query.ts';
import { decodeWorklistFields, emptyEncodedFields, encodeWorklistRow } from './worklist-row-codec.ts';

/** The name debtor-priority gives its worklist store (what `riskstream worklist` queries). */
export const WORKLIST_STORE = 'worklist';

export class WorklistStore implements StateStore {
  private readonly heap: WorklistHeap;
  private readonly dirty = new Set<string>();
  /** Scratch of restore(): one decoded row, reused. */
  private readonly fields = emptyEncodedFields();

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

  /** put() of each row in order, faster for a batch (see WorklistHeap.putMany). */
  putMany(rows: readonly WorklistRow[]): void {
    for (const row of rows)
      if (!row.on_worklist) throw new RangeError(`worklist: ${row.debtor_id} is put with on_worklist false; delete it instead`);
    this.heap.putMany(rows);
    for (const row of rows) this.dirty.add(row.debtor_id);
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

  /** top: this task's best n (rows keyed by debtor_id); get: one debtor; range: by debtor_id. */
  query(q: StoreQuery): QueryRow[] {
    return answerWorklistQuery(this.heap, this.name, q);
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
    // Straight from the bytes: a 10M-debtor restore makes no string and no row.
    if (value === null) this.heap.deleteEncoded(key, 0, key.length);
    else this.heap.putEncoded(key, 0, key.length, value, decodeWorklistFields(key, value, this.fields));
  }

  *dump(): Iterable<ChangelogEntry> {
    for (const row of this.heap.rows()) yield { key: Buffer.from(row.debtor_id, 'utf8'), value: encodeWorklistRow(row) };
  }
}

/**
 * The worklist store of a topology: queryable, top answers merged across tasks. Its tasks are
 * partitioned by customer, its keys are debtor ids: a query for one debtor asks every task.
 */
export function worklistStore(name: string, capacity?: number): StoreSpec {
  return customStore(name, () => new WorklistStore(name, capacity), {
    queryable: true,
    merge: mergeWorklistAnswers,
    routeKeyQueries: false,
  });
}
