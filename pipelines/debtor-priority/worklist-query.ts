// The worklist's interactive query: `{ type: 'top', n, partner?, tenant? }` answers the task's best n
// debtors as rows { key: debtor_id, value: WorklistRow }; several tasks (threads, workers) each
// answer their own best n and the merge keeps the n best of those, in the heap's own order.
import { compareKeys, mergeByKey, StoreQueryError, type QueryMerge, type QueryRow, type StoreQuery } from '../../engine/index.ts';
import type { WorklistFilter, WorklistHeap, WorklistRow } from './worklist-heap.ts';

export interface WorklistTopQuery extends WorklistFilter {
  type: 'top';
  n: number;
}

/** The top query's parameters, checked (they may arrive as JSON from another process). */
export function topQueryOf(q: StoreQuery): WorklistTopQuery {
  const { n, partner, tenant } = q as Partial<WorklistTopQuery>;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0)
    throw new StoreQueryError(`worklist top: n must be a non-negative integer`);
  if (partner !== undefined && typeof partner !== 'string') throw new StoreQueryError('worklist top: partner must be a string');
  if (tenant !== undefined && typeof tenant !== 'string') throw new StoreQueryError('worklist top: tenant must be a string');
  return { type: 'top', n, partner, tenant };
}

/** CONTRACTS §9 order, as the heap compares: priority_score descending, then debtor_id ascending. */
export function compareWorklistRows(a: WorklistRow, b: WorklistRow): number {
  if (a.priority_score !== b.priority_score) return a.priority_score > b.priority_score ? -1 : 1;
  return a.debtor_id < b.debtor_id ? -1 : a.debtor_id > b.debtor_id ? 1 : 0;
}

/** top: the n best of every task's n best; get and range: by key. */
export const mergeWorklistAnswers: QueryMerge = (q, parts) => {
  if (q.type !== 'top') return mergeByKey(q, parts);
  const { n } = topQueryOf(q);
  const rows: QueryRow[] = parts.flat();
  rows.sort((a, b) => compareWorklistRows(a.value as WorklistRow, b.value as WorklistRow));
  return rows.length > n ? rows.slice(0, n) : rows;
};

/** A task's answer from its heap. top: its best n (rows keyed by debtor_id); get: one debtor; range: by debtor_id. */
export function answerWorklistQuery(heap: WorklistHeap, storeName: string, q: StoreQuery): QueryRow[] {
  if (q.type === 'top') {
    const { n, partner, tenant } = topQueryOf(q);
    return heap.top(n, { partner, tenant }).map((row) => ({ key: row.debtor_id, value: row }));
  }
  if (q.type === 'get' && typeof q.key === 'string') {
    const row = heap.get(q.key);
    return row === undefined ? [] : [{ key: q.key, value: row }];
  }
  if (q.type === 'range') {
    const { from, to } = q as { from?: string; to?: string };
    const rows: QueryRow[] = [];
    for (const row of heap.rows())
      if ((from === undefined || compareKeys(row.debtor_id, from) >= 0) && (to === undefined || compareKeys(row.debtor_id, to) <= 0))
        rows.push({ key: row.debtor_id, value: row });
    return mergeByKey(q, [rows]);
  }
  throw new StoreQueryError(`store ${storeName} answers top, get and range queries, not ${q.type}`);
}
