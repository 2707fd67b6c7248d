// Versioned store semantics: get(key, asOf) = latest version with timestamp <= asOf; between equal
// timestamps the one that arrived last; restore from its own changelog gives the same answers.
import { describe, expect, it } from 'vitest';
import { VersionedStore } from './versioned-store.ts';

describe('VersionedStore', () => {
  it('answers as of a time, later arrival winning on equal timestamps', () => {
    const s = new VersionedStore<string>('v');
    s.put('k', 'b@20', 20);
    s.put('k', 'a@10', 10); // arrives out of order
    s.put('k', 'c@20', 20); // same time as b, arrived later
    expect(s.get('k', 9)).toBeUndefined();
    expect(s.get('k', 10)).toBe('a@10');
    expect(s.get('k', 19)).toBe('a@10');
    expect(s.get('k', 20)).toBe('c@20');
    expect(s.get('k', 1e15)).toBe('c@20');
    expect(s.get('other', 20)).toBeUndefined();

    const copy = new VersionedStore<string>('v');
    for (const e of s.takeChanges()) copy.restore(e.key, e.value);
    expect(copy.history('k')).toEqual(s.history('k'));
  });

  it('keeps the version in force at the retention horizon', () => {
    const s = new VersionedStore<number>('v', { historyRetentionMs: 100 });
    for (const t of [10, 20, 30, 200]) s.put('k', t, t, t);
    // horizon = 200 - 100 = 100: version 30 is in force then, 10 and 20 are gone.
    expect(s.history('k').map((h) => h.timestamp)).toEqual([30, 200]);
    expect(s.get('k', 150)).toBe(30);
  });
});
