// The `worklist` store of debtor-priority: every debtor of the task (DebtorState: its generation,
// sequence, last event_time, last row, scored fields and whether it is listed) and the worklist heap
// of those listed and on it, kept together so that a changed debtor costs one changelog entry (its
// state), from which a restore rebuilds both. Heap updates wait until the heap is read (a query, the
// next commit): applied together through WorklistHeap.putMany, the cache misses of different
// debtors overlap. A debtor's state stays when it leaves (its generations and sequences go on).
//
// Changelog entry: key = debtor_id (UTF-8), value = debtorStateSerde (Avro). Interactive queries
// (see worklist-query.ts): top, get and range over the heap, as WorklistStore answers them.
import { customStore, type ChangelogEntry, type QueryRow, type StateStore, type StoreQuery, type StoreSpec } from '../../engine/index.ts';
import { debtorStateSerde } from './debtor-state-codec.ts';
import { WorklistHeap, type WorklistFilter, type WorklistRow } from './worklist-heap.ts';
import { answerWorklistQuery, mergeWorklistAnswers } from './worklist-query.ts';
import type { DebtorState } from './worklist-updater.ts';

export class DebtorWorklistStore implements StateStore {
  private readonly states = new Map<string, DebtorState>();
  private readonly heap: WorklistHeap;
  /** Debtors put since the last changelog take. */
  private readonly dirty = new Set<string>();
  /** Debtors put since the heap was last brought up to date. */
  private readonly unplaced = new Set<string>();

  /** `capacity`: debtors expected on the worklist, to size the heap's columns once. */
  constructor(
    readonly name: string,
    capacity?: number,
  ) {
    this.heap = new WorklistHeap(capacity);
  }

  get(debtorId: string): DebtorState | undefined {
    return this.states.get(debtorId);
  }

  /**
   * Stores the debtor's state (the same object may be changed in place and put again): on the
   * worklist with its row while it is listed and its row is on the worklist, off it otherwise.
   */
  put(debtorId: string, state: DebtorState): void {
    this.states.set(debtorId, state);
    this.dirty.add(debtorId);
    this.unplaced.add(debtorId);
  }

  /** The best n debtors, optionally of one partner and/or tenant: priority_score desc, debtor_id asc. */
  top(n: number, filter?: WorklistFilter): WorklistRow[] {
    return this.placed().top(n, filter);
  }

  /** Debtors on the worklist. */
  worklistSize(): number {
    return this.placed().size;
  }

  /** Debtors of the task (on the worklist or not). */
  size(): number {
    return this.states.size;
  }

  query(q: StoreQuery): QueryRow[] {
    return answerWorklistQuery(this.placed(), this.name, q);
  }

  takeChanges(): ChangelogEntry[] {
    this.placed();
    const out: ChangelogEntry[] = new Array(this.dirty.size);
    let i = 0;
    for (const id of this.dirty) out[i++] = { key: Buffer.from(id, 'utf8'), value: debtorStateSerde.serialize(this.states.get(id)!) };
    this.dirty.clear();
    return out;
  }

  restore(key: Buffer, value: Buffer | null): void {
    const id = key.toString('utf8');
    if (value === null) {
      this.states.delete(id);
      this.heap.delete(id);
      this.unplaced.delete(id);
      return;
    }
    this.states.set(id, debtorStateSerde.deserialize(value));
    this.unplaced.add(id);
  }

  *dump(): Iterable<ChangelogEntry> {
    for (const [id, state] of this.states) yield { key: Buffer.from(id, 'utf8'), value: debtorStateSerde.serialize(state) };
  }

  /** The heap, with every state put since it was last read applied. */
  private placed(): WorklistHeap {
    if (this.unplaced.size === 0) return this.heap;
    const rows: WorklistRow[] = [];
    for (const id of this.unplaced) {
      const state = this.states.get(id)!;
      if (state.listed && state.row.on_worklist) rows.push(state.row);
      else this.heap.delete(id);
    }
    this.unplaced.clear();
    if (rows.length > 0) this.heap.putMany(rows);
    return this.heap;
  }
}

/**
 * The store of a topology: queryable, top answers merged across tasks. Its tasks are partitioned by
 * customer, its keys are debtor ids: a query for one debtor asks every task.
 */
export function debtorWorklistStore(name: string, capacity?: number): StoreSpec {
  return customStore(name, () => new DebtorWorklistStore(name, capacity), {
    queryable: true,
    merge: mergeWorklistAnswers,
    routeKeyQueries: false,
  });
}
