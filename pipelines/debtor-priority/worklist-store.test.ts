import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ChangelogEntry } from '../../engine/index.ts';
import type { WorklistFilter, WorklistRow } from './worklist-heap.ts';
import { decodeWorklistRow, encodeWorklistRow } from './worklist-row-codec.ts';
import { mergeWorklistAnswers } from './worklist-query.ts';
import { WorklistStore, worklistStore } from './worklist-store.ts';

// The model: the latest row per debtor, filtered and sorted on demand (CONTRACTS §9 order).
const sortedRows = (rows: Iterable<WorklistRow>, filter: WorklistFilter = {}): WorklistRow[] =>
  [...rows]
    .filter(
      (r) =>
        (filter.partner === undefined || r.partner_id === filter.partner) && (filter.tenant === undefined || r.tenant_id === filter.tenant),
    )
    .sort((a, b) => b.priority_score - a.priority_score || (a.debtor_id < b.debtor_id ? -1 : a.debtor_id > b.debtor_id ? 1 : 0));

const debtorId = fc.integer({ min: 0, max: 59 }).map((n) => `D-${String(n).padStart(8, '0')}`);
const partner = fc.constantFrom('P-1', 'P-2', 'P-3', 'Pärtner-ü');
const tenant = fc.constantFrom('t1', 't2');
const row: fc.Arbitrary<WorklistRow> = fc.record({
  debtor_id: debtorId,
  customer_id: fc.string({ maxLength: 12 }),
  partner_id: partner,
  tenant_id: tenant,
  debt_amount_cents: fc.maxSafeInteger(),
  days_past_due: fc.integer({ min: 0, max: 2000 }),
  status: fc.constantFrom('ACTIVE' as const, 'PAYING' as const),
  default_probability: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: null }),
  priority_score: fc.oneof(fc.constantFrom(0, 10, 250.5), fc.double({ noNaN: true, min: 0, max: 1e9 })),
  on_worklist: fc.constant(true),
});
const filter: fc.Arbitrary<WorklistFilter> = fc.record({ partner: fc.oneof(partner, fc.constant('P-none')), tenant }, { requiredKeys: [] });
const op = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('put' as const), row }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), id: debtorId }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('top' as const), n: fc.integer({ min: 0, max: 70 }), filter }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'take' as const }) },
);
const FILTERS: WorklistFilter[] = [{}, { partner: 'P-1' }, { partner: 'Pärtner-ü' }, { tenant: 't2' }, { partner: 'P-2', tenant: 't1' }];

function restored(entries: Iterable<ChangelogEntry>): WorklistStore {
  const store = new WorklistStore('worklist');
  for (const e of entries) store.restore(e.key, e.value);
  return store;
}

describe('WorklistStore', () => {
  it('agrees with a sorted model on puts, deletes and top N; its changelog and dump restore the same worklist', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 300 }), (ops) => {
        const store = new WorklistStore('worklist');
        const model = new Map<string, WorklistRow>();
        const changelog: ChangelogEntry[] = [];
        for (const o of ops) {
          if (o.kind === 'put') {
            store.put(o.row);
            model.set(o.row.debtor_id, o.row);
          } else if (o.kind === 'delete') {
            expect(store.delete(o.id)).toBe(model.delete(o.id));
          } else if (o.kind === 'top') {
            expect(store.top(o.n, o.filter)).toEqual(sortedRows(model.values(), o.filter).slice(0, o.n));
          } else changelog.push(...store.takeChanges());
          expect(store.size()).toBe(model.size);
        }
        changelog.push(...store.takeChanges());
        expect(store.takeChanges()).toEqual([]);
        const fromChangelog = restored(changelog);
        const fromDump = restored(store.dump());
        for (const f of FILTERS) {
          const want = sortedRows(model.values(), f);
          expect(store.top(100, f)).toEqual(want);
          expect(fromChangelog.top(100, f)).toEqual(want);
          expect(fromDump.top(100, f)).toEqual(want);
        }
        for (const [id, r] of model) expect(fromChangelog.get(id)).toEqual(r);
        expect(fromChangelog.takeChanges()).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('putMany of a batch leaves the same worklist and changelog as its puts one by one', () => {
    const batchOp = fc.oneof(
      { weight: 3, arbitrary: fc.record({ kind: fc.constant('batch' as const), rows: fc.array(row, { maxLength: 400 }) }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), id: debtorId }) },
      { weight: 1, arbitrary: fc.constant({ kind: 'take' as const }) },
    );
    const keyed = (entries: ChangelogEntry[]): [string, WorklistRow | null][] =>
      entries.map((e) => [e.key.toString('utf8'), e.value === null ? null : decodeWorklistRow(e.key.toString('utf8'), e.value)]);
    fc.assert(
      fc.property(fc.array(batchOp, { maxLength: 20 }), (ops) => {
        const batched = new WorklistStore('worklist');
        const single = new WorklistStore('worklist');
        for (const o of ops) {
          if (o.kind === 'batch') {
            batched.putMany(o.rows);
            for (const r of o.rows) single.put(r);
          } else if (o.kind === 'delete') expect(batched.delete(o.id)).toBe(single.delete(o.id));
          else expect(keyed(batched.takeChanges())).toEqual(keyed(single.takeChanges()));
          expect(batched.size()).toBe(single.size());
        }
        for (const f of FILTERS) expect(batched.top(100, f)).toEqual(sortedRows(single.rows(), f));
        expect(keyed(batched.takeChanges())).toEqual(keyed(single.takeChanges()));
      }),
      { numRuns: 150 },
    );
  });

  it('writes a debtor changed many times between takes once, and a removed one as a tombstone', () => {
    const store = new WorklistStore('worklist');
    const base: WorklistRow = {
      debtor_id: 'D-1',
      customer_id: 'C-1',
      partner_id: 'P-1',
      tenant_id: 't1',
      debt_amount_cents: 123_456,
      days_past_due: 95,
      status: 'ACTIVE',
      default_probability: null,
      priority_score: 1111.2,
      on_worklist: true,
    };
    store.put(base);
    store.put({ ...base, priority_score: 5 });
    store.put({ ...base, debtor_id: 'D-2' });
    store.delete('D-2');
    const changes = store.takeChanges();
    expect(changes.map((c) => [c.key.toString(), c.value === null ? null : decodeWorklistRow(c.key.toString(), c.value)])).toEqual([
      ['D-1', { ...base, priority_score: 5 }],
      ['D-2', null],
    ]);
    expect(() => store.put({ ...base, on_worklist: false })).toThrow(/delete it instead/);
  });

  it('encodes a row and decodes it back unchanged, non-ASCII ids and a null default probability included', () => {
    fc.assert(
      fc.property(row, fc.string({ unit: 'grapheme', maxLength: 8 }), (r, s) => {
        const withUnicode = { ...r, customer_id: `${r.customer_id}${s}`, partner_id: `${s}` };
        expect(decodeWorklistRow(r.debtor_id, encodeWorklistRow(withUnicode))).toEqual(withUnicode);
      }),
    );
  });

  it('answers top queries per task that merge into the top of all tasks, ties by debtor_id', () => {
    fc.assert(
      fc.property(fc.array(row, { maxLength: 120 }), fc.integer({ min: 0, max: 70 }), filter, (rows, n, f) => {
        const whole = new WorklistStore('worklist');
        const tasks = [new WorklistStore('worklist'), new WorklistStore('worklist'), new WorklistStore('worklist')];
        const model = new Map<string, WorklistRow>();
        for (const r of rows) {
          whole.put(r);
          model.set(r.debtor_id, r);
          // A debtor lives in one task, as its partition decides.
          tasks[Number(r.debtor_id.slice(-2)) % 3].put(r);
        }
        const q = { type: 'top', n, ...f };
        const want = sortedRows(model.values(), f)
          .slice(0, n)
          .map((r) => ({ key: r.debtor_id, value: r }));
        expect(whole.query(q)).toEqual(want);
        expect(
          mergeWorklistAnswers(
            q,
            tasks.map((t) => t.query(q)),
          ),
        ).toEqual(want);
        expect(
          worklistStore('worklist').mergeQueryResults!(
            q,
            tasks.map((t) => t.query(q)),
          ),
        ).toEqual(want);
      }),
      { numRuns: 200 },
    );
  });

  it('answers get and range by debtor_id and refuses other queries in one line', () => {
    const store = new WorklistStore('worklist');
    const r = (id: string, score: number): WorklistRow => ({
      debtor_id: id,
      customer_id: 'C',
      partner_id: 'P',
      tenant_id: 't',
      debt_amount_cents: 100,
      days_past_due: 1,
      status: 'PAYING',
      default_probability: 0.25,
      priority_score: score,
      on_worklist: true,
    });
    for (const [id, score] of [
      ['D-3', 1],
      ['D-1', 9],
      ['D-2', 5],
    ] as const)
      store.put(r(id, score));
    expect(store.query({ type: 'get', key: 'D-2' })).toEqual([{ key: 'D-2', value: r('D-2', 5) }]);
    expect(store.query({ type: 'get', key: 'D-9' })).toEqual([]);
    expect(store.query({ type: 'range', from: 'D-2' }).map((x) => x.key)).toEqual(['D-2', 'D-3']);
    expect(store.query({ type: 'range', limit: 1 }).map((x) => x.key)).toEqual(['D-1']);
    expect(() => store.query({ type: 'top', n: -1 })).toThrow('worklist top: n must be a non-negative integer');
    expect(() => store.query({ type: 'count' })).toThrow('store worklist answers top, get and range queries, not count');
    const spec = worklistStore('worklist');
    expect(spec.queryable).toBe(true);
    expect(spec.create()).toBeInstanceOf(WorklistStore);
  });
});
