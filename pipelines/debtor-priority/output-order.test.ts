import { describe, expect, it } from 'vitest';
import { priorityEventId, priorityEventTime, PrioritySequenceError } from './output-order.ts';

describe('collection-priorities output order', () => {
  it('numbers a debtor records so text order is (generation, sequence) order', () => {
    expect(priorityEventId('debtor-7', 1, 1)).toBe('debtor-7:000001:000000000001');
    const seqs = [1, 2, 9, 10, 11, 99, 100, 123_456_789, 999_999_999_999];
    const ids = [1, 2, 10, 999_999].flatMap((g) => seqs.map((n) => priorityEventId('d', g, n)));
    expect([...ids].sort()).toEqual(ids);
    for (const bad of [0, -1, 1.5, 10 ** 12, Number.NaN]) expect(() => priorityEventId('d', 1, bad)).toThrow(PrioritySequenceError);
    for (const bad of [0, -1, 1.5, 10 ** 6, Number.NaN]) expect(() => priorityEventId('d', bad, 1)).toThrow(PrioritySequenceError);
  });

  it('never moves a debtor event_time back', () => {
    expect(priorityEventTime(2_000, 1_000)).toBe(2_000);
    expect(priorityEventTime(500, 1_000)).toBe(1_000);
  });
});
