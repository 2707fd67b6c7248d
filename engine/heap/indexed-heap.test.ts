import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GroupedHeaps } from './grouped-heaps.ts';
import { hashString } from './id-index.ts';
import { IndexedHeap } from './indexed-heap.ts';

// The model: a map id → priority, sorted on demand by priority descending, id ascending.
const sorted = (model: Map<string, number>): { id: string; priority: number }[] =>
  [...model]
    .map(([id, priority]) => ({ id, priority }))
    .sort((a, b) => b.priority - a.priority || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

// Few ids and few priorities, so updates of present ids, removals and ties are frequent; enough
// ids (up to 80) that the id index grows and deletes shift probe chains.
// Some ids are not ASCII, and two of them order differently in UTF-8 bytes and in UTF-16 units
// (an astral character against one above U+E000): ties must follow JavaScript's string order.
// Some are longer than a slot record holds inline (24 bytes), so they live in the overflow.
const id = fc
  .integer({ min: 0, max: 79 })
  .map((n) =>
    n === 1
      ? 'D-\u{1F600}'
      : n === 2
        ? 'D-\uFF21'
        : n % 9 === 0
          ? `D-é${n}`
          : n % 7 === 0
            ? `D-${String(n).padStart(n % 2 === 0 ? 22 : 30, '0')}`
            : `D-${String(n).padStart(8, '0')}`,
  );
const priority = fc.oneof(fc.constantFrom(0, 1, 2.5, 100, -3), fc.double({ noNaN: true, min: -1e6, max: 1e6 }));
const op = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('upsert' as const), id, priority }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('remove' as const), id }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('top' as const), n: fc.integer({ min: 0, max: 90 }), odd: fc.boolean() }) },
);

describe('IndexedHeap', () => {
  it('agrees with a sorted array on random upserts, removals and top N, with and without a filter', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 400 }), (ops) => {
        const heap = new IndexedHeap();
        const model = new Map<string, number>();
        for (const o of ops) {
          if (o.kind === 'upsert') {
            heap.upsert(o.id, o.priority);
            model.set(o.id, o.priority);
          } else if (o.kind === 'remove') {
            expect(heap.remove(o.id) >= 0).toBe(model.delete(o.id));
          } else {
            const odd = (s: string): boolean => Number(s.slice(2)) % 2 === 1;
            const want = sorted(model).filter((e) => !o.odd || odd(e.id));
            const got = heap.top(o.n, o.odd ? (slot) => odd(heap.idAt(slot)) : undefined);
            expect(got).toEqual(want.slice(0, o.n));
          }
          expect(heap.size).toBe(model.size);
        }
        expect(sorted(new Map([...heap].map((e) => [e.id, e.priority])))).toEqual(sorted(model));
        for (const [k, p] of model) expect(heap.priorityOf(k)).toBe(p);
        expect(heap.top(1000)).toEqual(sorted(model));
      }),
      { numRuns: 300 },
    );
  });

  it('orders ties by id ascending and leaves the heap as it was after top N', () => {
    const heap = new IndexedHeap();
    for (const k of ['D-3', 'D-1', 'D-2', 'D-0']) heap.upsert(k, 7);
    heap.upsert('D-9', 8);
    expect(heap.top(10).map((e) => e.id)).toEqual(['D-9', 'D-0', 'D-1', 'D-2', 'D-3']);
    expect(heap.top(2).map((e) => e.id)).toEqual(['D-9', 'D-0']);
    expect(heap.idAt(heap.peekSlot())).toBe('D-9');
  });

  it('refuses a NaN priority, which has no place in the order', () => {
    expect(() => new IndexedHeap().upsert('D-1', NaN)).toThrow(/NaN/);
  });

  it('upsertMany equals the same upserts one by one: batches with repeated and new ids, between removals', () => {
    const batchOp = fc.oneof(
      {
        weight: 3,
        arbitrary: fc.record({ kind: fc.constant('batch' as const), entries: fc.array(fc.tuple(id, priority), { maxLength: 600 }) }),
      },
      { weight: 2, arbitrary: fc.record({ kind: fc.constant('remove' as const), id }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('top' as const), n: fc.integer({ min: 0, max: 90 }) }) },
    );
    fc.assert(
      fc.property(fc.array(batchOp, { maxLength: 40 }), (ops) => {
        const heap = new IndexedHeap();
        const model = new Map<string, number>();
        for (const o of ops) {
          if (o.kind === 'batch') {
            heap.upsertMany(
              o.entries.map(([k]) => k),
              o.entries.map(([, p]) => p),
            );
            for (const [k, p] of o.entries) model.set(k, p);
          } else if (o.kind === 'remove') {
            expect(heap.remove(o.id) >= 0).toBe(model.delete(o.id));
          } else expect(heap.top(o.n)).toEqual(sorted(model).slice(0, o.n));
          expect(heap.size).toBe(model.size);
        }
        expect(heap.top(1000)).toEqual(sorted(model));
      }),
      { numRuns: 200 },
    );
  });

  it('upsertMany tells apart two ids of the same hash', () => {
    const [a, b] = sameHashPair();
    const heap = new IndexedHeap();
    heap.upsert(a, 1);
    heap.upsertMany([b, a, b], [5, 2, 3]); // b absent at first, a's cell comes first on the probe chain
    expect(heap.top(10)).toEqual([
      { id: b, priority: 3 },
      { id: a, priority: 2 },
    ]);
    heap.upsertMany([b], [0]);
    expect(heap.top(10)).toEqual([
      { id: a, priority: 2 },
      { id: b, priority: 0 },
    ]);
  });

  it('tells apart ids of the same hash one call at a time, by string and by bytes, short and long', () => {
    const pair = sameHashPair();
    // FNV-1a's state is the same after both, and its finalizer is a bijection: a common suffix keeps them equal.
    const suffix = '-a-debtor-id-longer-than-a-record';
    const long: [string, string] = [pair[0] + suffix, pair[1] + suffix];
    expect(hashString(long[0])).toBe(hashString(long[1]));
    for (const [a, b] of [pair, long]) {
      const heap = new IndexedHeap(4);
      const bytes = (k: string): Buffer => Buffer.from(`#${k}#`, 'utf8');
      expect(heap.upsert(a, 1)).toBe(0);
      expect(heap.slotOf(b)).toBe(-1);
      expect(heap.upsertBytes(bytes(b), 1, bytes(b).length - 1, 2)).toBe(1);
      heap.upsert(a, 3);
      expect(heap.top(10)).toEqual([
        { id: a, priority: 3 },
        { id: b, priority: 2 },
      ]);
      expect(heap.remove(a)).toBe(0); // the first cell of the chain goes: b must stay reachable
      expect(heap.priorityOf(b)).toBe(2);
      expect(heap.removeBytes(bytes(a), 1, bytes(a).length - 1)).toBe(-1);
      expect(heap.removeBytes(bytes(b), 1, bytes(b).length - 1)).toBe(1);
      expect(heap.size).toBe(0);
    }
  });

  it('upsertMany refuses a NaN priority before applying any', () => {
    const heap = new IndexedHeap();
    expect(() => heap.upsertMany(['D-1', 'D-2'], [1, NaN])).toThrow(/NaN/);
    expect(heap.size).toBe(0);
  });
});

describe('GroupedHeaps', () => {
  it('top N of a group equals the filtered sorted model, as slots move between groups and leave', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('set' as const), id, priority, group: fc.integer({ min: 0, max: 3 }) }),
      fc.record({ kind: fc.constant('remove' as const), id }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 300 }), fc.integer({ min: 1, max: 50 }), (ops, n) => {
        const heap = new IndexedHeap();
        const groups = new GroupedHeaps(heap);
        const model = new Map<string, { priority: number; group: number }>();
        for (const o of ops) {
          if (o.kind === 'set') {
            groups.set(heap.upsert(o.id, o.priority), o.group);
            model.set(o.id, { priority: o.priority, group: o.group });
          } else {
            const slot = heap.remove(o.id);
            if (slot >= 0) groups.delete(slot);
            model.delete(o.id);
          }
        }
        for (let g = 0; g <= 4; g++) {
          const want = sorted(new Map([...model].filter(([, v]) => v.group === g).map(([k, v]) => [k, v.priority])));
          expect(groups.sizeOf(g)).toBe(want.length);
          expect(groups.top(g, n).map((s) => ({ id: heap.idAt(s), priority: heap.priorityAt(s) }))).toEqual(want.slice(0, n));
        }
      }),
      { numRuns: 200 },
    );
  });
});

/** Two ids of the same hash: the first such pair of `X-<i>`. */
function sameHashPair(): [string, string] {
  const byHash = new Map<number, string>();
  for (let i = 0; ; i++) {
    const k = `X-${i}`;
    const other = byHash.get(hashString(k));
    if (other !== undefined) return [other, k];
    byHash.set(hashString(k), k);
  }
}
