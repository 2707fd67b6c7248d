import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ChangelogEntry } from '../../engine/index.ts';
import { DebtorWorklistStore } from './debtor-worklist-store.ts';
import type { WorklistRow } from './worklist-heap.ts';
import { compareWorklistRows } from './worklist-query.ts';
import type { DebtorState } from './worklist-updater.ts';

const debtorId = fc.integer({ min: 0, max: 39 }).map((n) => `D-${n}`);
const state: fc.Arbitrary<DebtorState> = fc.record({
  generation: fc.integer({ min: 1, max: 5 }),
  seq: fc.integer({ min: 1, max: 1_000 }),
  time: fc.integer({ min: 0, max: 2 ** 40 }),
  broken_promises: fc.integer({ min: 0, max: 9 }),
  contact_attempts: fc.integer({ min: 0, max: 9 }),
  listed: fc.boolean(),
  row: fc.record({
    debtor_id: fc.constant(''),
    customer_id: fc.constantFrom('c-1', 'c-2'),
    partner_id: fc.constantFrom('P-1', 'P-2'),
    tenant_id: fc.constantFrom('t1', 't2'),
    debt_amount_cents: fc.integer({ min: 0, max: 10 ** 9 }),
    days_past_due: fc.integer({ min: 0, max: 400 }),
    status: fc.constantFrom('ACTIVE' as const, 'PAYING' as const, 'SETTLED' as const),
    default_probability: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: null }),
    priority_score: fc.oneof(fc.constantFrom(0, 10, 250.5), fc.double({ noNaN: true, min: 0, max: 1e9 })),
    on_worklist: fc.boolean(),
  }),
});
const op = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('put' as const), id: debtorId, state }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('top' as const), n: fc.integer({ min: 0, max: 50 }) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'take' as const }) },
);

/** The model: the worklist of the latest states, sorted in full. */
const worklistOf = (states: Map<string, DebtorState>): WorklistRow[] =>
  [...states.values()].filter((s) => s.listed && s.row.on_worklist).map((s) => ({ ...s.row }));

describe('debtor worklist store', () => {
  it('lists the listed debtors on the worklist, whenever read, and restores states and heap from one entry per debtor', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 150 }), (ops) => {
        const store = new DebtorWorklistStore('worklist');
        const model = new Map<string, DebtorState>();
        const log: ChangelogEntry[] = [];
        for (const o of ops) {
          if (o.kind === 'put') {
            const s = { ...o.state, row: { ...o.state.row, debtor_id: o.id } };
            store.put(o.id, s);
            model.set(o.id, s);
          } else if (o.kind === 'top') {
            expect(store.top(o.n)).toEqual(worklistOf(model).sort(compareWorklistRows).slice(0, o.n));
          } else {
            const changes = store.takeChanges();
            expect(new Set(changes.map((e) => e.key.toString())).size).toBe(changes.length);
            log.push(...changes);
          }
        }
        log.push(...store.takeChanges());
        const expected = worklistOf(model).sort(compareWorklistRows);
        expect(store.top(1_000)).toEqual(expected);
        expect(store.query({ type: 'range' }).map((r) => r.key)).toEqual(
          expected.map((r) => r.debtor_id).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))),
        );
        for (const restored of [log, [...store.dump()]]) {
          const copy = new DebtorWorklistStore('worklist');
          for (const e of restored) copy.restore(e.key, e.value);
          expect(copy.top(1_000)).toEqual(expected);
          expect(copy.size()).toBe(model.size);
          for (const [id, s] of model) expect(copy.get(id)).toEqual(s);
        }
      }),
      { numRuns: 200 },
    );
  });
});
