import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SlotStrings } from './slot-strings.ts';

describe('SlotStrings', () => {
  it('gives back every slot value through overwrites, growth, clears and compactions', () => {
    const op = fc.record({
      slot: fc.integer({ min: 0, max: 40 }),
      value: fc.option(fc.string({ unit: 'grapheme', maxLength: 12 }), { nil: undefined }),
    });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 400 }), fc.boolean(), (ops, bytes) => {
        // Compaction after any garbage at all, and a tiny start: every path runs.
        const strings = new SlotStrings(1, 1, 0);
        const model = new Map<number, string>();
        for (const { slot, value } of ops) {
          if (value === undefined) {
            strings.clear(slot);
            model.delete(slot);
          } else {
            if (bytes) {
              const src = Buffer.from(`<<${value}>>`, 'utf8');
              strings.setBytes(slot, src, 2, src.length - 2);
            } else strings.set(slot, value);
            model.set(slot, value);
          }
          for (const [s, v] of model) expect(strings.get(s)).toBe(v);
        }
      }),
      { numRuns: 200 },
    );
  });
});
