import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { INLINE_BYTES, SlotIds } from './slot-ids.ts';

// Ids around the inline limit (ASCII and not), short and long, so slots go inline → overflow → inline.
const id = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 14 }),
  fc.integer({ min: INLINE_BYTES - 3, max: INLINE_BYTES + 3 }).map((n) => 'D'.repeat(n)),
  fc.integer({ min: INLINE_BYTES - 5, max: INLINE_BYTES + 1 }).map((n) => `${'D'.repeat(n)}é`),
  fc.constantFrom('D-\u{1F600}', 'D-\uFF21', 'D-é', 'D-e', ''),
);

describe('SlotIds', () => {
  it('keeps each slot id and its position, compares and orders ids as JavaScript strings', () => {
    const op = fc.record({ slot: fc.integer({ min: 0, max: 40 }), id, bytes: fc.boolean(), clear: fc.boolean() });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
        const ids = new SlotIds(4);
        const model = new Map<number, string>();
        for (const o of ops) {
          if (o.clear) {
            ids.clear(o.slot);
            model.delete(o.slot);
            continue;
          }
          if (o.bytes) {
            const b = Buffer.from(`<<${o.id}>`, 'utf8');
            ids.setBytes(o.slot, b, 2, b.length - 1);
          } else ids.set(o.slot, o.id);
          ids.arr[o.slot << ids.shift] = o.slot * 3; // the position shares the record
          model.set(o.slot, o.id);
        }
        const wellFormed = (s: string): boolean => Buffer.from(s, 'utf8').toString('utf8') === s;
        for (const [slot, value] of model) {
          const want = Buffer.from(value, 'utf8').toString('utf8'); // lone surrogates become U+FFFD
          expect(ids.get(slot)).toBe(want);
          expect(ids.touch(slot)).toBe(slot * 3);
          expect(ids.equals(slot, want)).toBe(true);
          const b = Buffer.from(want, 'utf8');
          expect(ids.equalsBytes(slot, b, 0, b.length)).toBe(true);
          for (const [other, v] of model) {
            const w = Buffer.from(v, 'utf8').toString('utf8');
            if (wellFormed(v)) expect(ids.equals(slot, v)).toBe(want === w);
            expect(Math.sign(ids.compare(slot, other))).toBe(want < w ? -1 : want > w ? 1 : 0);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('does not take a Latin-1 string for the UTF-8 bytes of another', () => {
    const ids = new SlotIds();
    ids.set(0, 'é'); // bytes C3 A9
    expect(ids.equals(0, '\u00C3\u00A9')).toBe(false);
    expect(ids.equals(0, 'é')).toBe(true);
  });
});
