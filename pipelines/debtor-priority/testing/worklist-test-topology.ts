// A stand-in for the debtor-priority topology in worklist query tests: it declares a store named
// `worklist` as the pipeline does, answering the same queries (a rows-only `worklistStore`, where the
// pipeline's also keeps each debtor's state), and a processor that puts each input row on it (or
// deletes the debtor when the row is off the worklist). Input: JSON WorklistRows keyed by debtor_id
// on `<prefix>-worklist-rows`.
import { jsonSerde, StreamsBuilder, type Processor, type ProcessorContext, type Topology } from '../../../engine/index.ts';
import type { WorklistRow } from '../worklist-heap.ts';
import { compareWorklistRows } from '../worklist-query.ts';
import { WORKLIST_STORE, worklistStore, type WorklistStore } from '../worklist-store.ts';

const rowSerde = jsonSerde<WorklistRow>();
const T0 = Date.UTC(2024, 0, 1);

export function worklistRowsTopic(prefix: string): string {
  return `${prefix}-worklist-rows`;
}

class PutRow implements Processor<string, WorklistRow, never, never> {
  private store!: WorklistStore;
  init(ctx: ProcessorContext<never, never>): void {
    this.store = ctx.getStateStore<WorklistStore>(WORKLIST_STORE);
  }
  process(_key: string, row: WorklistRow): void {
    if (row.on_worklist) this.store.put(row);
    else this.store.delete(row.debtor_id);
  }
}

export function worklistTestTopology(prefix: string): Topology {
  const b = new StreamsBuilder();
  b.addStateStore(worklistStore(WORKLIST_STORE));
  b.stream(worklistRowsTopic(prefix), { valueSerde: rowSerde }).process(() => new PutRow(), WORKLIST_STORE);
  return b.build();
}

/** Rows as records of the input topic, in order. */
export function worklistRecords(
  prefix: string,
  rows: readonly WorklistRow[],
): { topic: string; key: Buffer; value: Buffer; timestamp: number }[] {
  return rows.map((r, i) => ({
    topic: worklistRowsTopic(prefix),
    key: Buffer.from(r.debtor_id),
    value: rowSerde.serialize(r)!,
    timestamp: T0 + i,
  }));
}

/** The worklist the rows leave, by brute force: latest row per debtor, on the worklist, filtered, sorted. */
export function expectedWorklist(rows: readonly WorklistRow[], filter: { partner?: string; tenant?: string } = {}): WorklistRow[] {
  const latest = new Map<string, WorklistRow>();
  for (const r of rows) latest.set(r.debtor_id, r);
  return [...latest.values()]
    .filter((r) => r.on_worklist && (filter.partner === undefined || r.partner_id === filter.partner))
    .filter((r) => filter.tenant === undefined || r.tenant_id === filter.tenant)
    .sort(compareWorklistRows);
}

/**
 * `n` rows over `debtors` debtors (many updates each, some leaving the worklist and coming back),
 * two partners and two tenants, scores on a coarse grid so ties are common.
 */
export function worklistRows(n: number, debtors = 30): WorklistRow[] {
  return Array.from({ length: n }, (_, i) => {
    const d = (i * 7) % debtors;
    const onList = (i * 13) % 5 !== 0;
    return {
      debtor_id: `D-${String(d).padStart(4, '0')}`,
      customer_id: `C-${d % 11}`,
      partner_id: d % 3 === 0 ? 'partner-ace' : 'partner-brightline',
      tenant_id: d % 2 === 0 ? 'acme' : 'globex',
      debt_amount_cents: 10_000 + ((i * 37) % 50) * 1_000,
      days_past_due: (i * 11) % 200,
      status: i % 4 === 0 ? 'PAYING' : 'ACTIVE',
      default_probability: i % 6 === 0 ? null : ((i * 17) % 100) / 100,
      priority_score: ((i * 31) % 9) * 50.5,
      on_worklist: onList,
    };
  });
}
