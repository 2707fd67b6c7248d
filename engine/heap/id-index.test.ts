import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hashBytes, hashString, IdIndex } from './id-index.ts';
import { SlotStrings } from './slot-strings.ts';

// Mostly ASCII ids, some with two-, three- and four-byte UTF-8 characters.
const idOf = (n: number): string => (n % 7 === 0 ? `Dé-${n}-€😀` : `D-${String(n).padStart(8, '0')}`);

describe('IdIndex', () => {
  it('finds every added id and none removed, through growth and deletions that shift probe chains', () => {
    // Many ids in a small table: long probe chains, wrap-around at the table end, and deletions in
    // the middle of chains (the backward shift must keep every later id reachable).
    const op = fc.record({ add: fc.boolean(), n: fc.integer({ min: 0, max: 1999 }) });
    fc.assert(
      fc.property(fc.array(op, { minLength: 200, maxLength: 3000 }), (ops) => {
        const ids = new SlotStrings();
        let next = 0;
        const free: number[] = [];
        const index = new IdIndex(ids);
        const model = new Map<string, number>();
        for (const { add, n } of ops) {
          const id = idOf(n);
          const slot = model.get(id);
          if (add && slot === undefined) {
            const s = free.pop() ?? next++;
            ids.set(s, id);
            index.add(hashString(id), s);
            model.set(id, s);
          } else if (!add && slot !== undefined) {
            index.delete(hashString(id), slot);
            ids.clear(slot);
            free.push(slot);
            model.delete(id);
          }
        }
        expect(index.size).toBe(model.size);
        for (let n = 0; n < 2000; n++) {
          const id = idOf(n);
          expect(index.get(id)).toBe(model.get(id) ?? -1);
          const b = Buffer.from(`<${id}>`, 'utf8');
          expect(index.getBytes(b, 1, b.length - 1, hashBytes(b, 1, b.length - 1))).toBe(model.get(id) ?? -1);
        }
      }),
      { numRuns: 100 },
    );
  });
});
