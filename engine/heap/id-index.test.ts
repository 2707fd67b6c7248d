import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IdIndex } from './id-index.ts';

describe('IdIndex', () => {
  it('finds every added id and none removed, through growth and deletions that shift probe chains', () => {
    // Many ids in a small table: long probe chains, wrap-around at the table end, and deletions in
    // the middle of chains (the backward shift must keep every later id reachable).
    const op = fc.record({ add: fc.boolean(), n: fc.integer({ min: 0, max: 1999 }) });
    fc.assert(
      fc.property(fc.array(op, { minLength: 200, maxLength: 3000 }), (ops) => {
        const ids: (string | undefined)[] = [];
        const free: number[] = [];
        const index = new IdIndex((slot) => ids[slot] as string);
        const model = new Map<string, number>();
        for (const { add, n } of ops) {
          const id = `D-${String(n).padStart(8, '0')}`;
          const slot = model.get(id);
          if (add && slot === undefined) {
            const s = free.pop() ?? ids.length;
            ids[s] = id;
            index.add(id, s);
            model.set(id, s);
          } else if (!add && slot !== undefined) {
            index.delete(id, slot);
            ids[slot] = undefined;
            free.push(slot);
            model.delete(id);
          }
        }
        expect(index.size).toBe(model.size);
        for (let n = 0; n < 2000; n++) {
          const id = `D-${String(n).padStart(8, '0')}`;
          expect(index.get(id)).toBe(model.get(id) ?? -1);
        }
      }),
      { numRuns: 100 },
    );
  });
});
