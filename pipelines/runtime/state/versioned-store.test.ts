// Versioned store semantics: get(key, asOf) = latest version with timestamp <= asOf; between equal
// timestamps the one that arrived last; restore from its own changelog gives the same answers.
import { serialize } from 'node:v8';
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

  it('restores histories from its binary changelog values and from the older v8 ones', () => {
    const s = new VersionedStore<{ amount_cents: number; purpose: string | null }>('v');
    s.put('k', { amount_cents: 100, purpose: 'car' }, 10);
    s.put('k', { amount_cents: 250, purpose: null }, 20);
    s.put('j', { amount_cents: 7, purpose: 'home' }, 5);
    const entries = s.takeChanges();
    expect(entries.map((e) => e.value![0])).toEqual([0x01, 0x01]);
    const copy = new VersionedStore<{ amount_cents: number; purpose: string | null }>('v');
    for (const e of entries) copy.restore(e.key, e.value);
    expect(copy.history('k')).toEqual(s.history('k'));
    expect(copy.get('j', 5)).toEqual({ amount_cents: 7, purpose: 'home' });
    // A version added after a restore is written with the restored ones.
    copy.put('k', { amount_cents: 300, purpose: 'boat' }, 30);
    const again = new VersionedStore<{ amount_cents: number; purpose: string | null }>('v');
    for (const e of copy.takeChanges()) again.restore(e.key, e.value);
    expect(again.history('k').map((h) => [h.timestamp, h.value.amount_cents])).toEqual([[10, 100], [20, 250], [30, 300]]);

    const legacy = new VersionedStore<string>('v');
    legacy.restore(Buffer.from('k'), serialize({ times: [1, 2], values: [serialize('a'), serialize('b')] }));
    expect(legacy.history('k')).toEqual([{ timestamp: 1, value: 'a' }, { timestamp: 2, value: 'b' }]);
  });

  it('names the key of a damaged history', () => {
    const s = new VersionedStore<string>('v');
    s.put('k', 'a', 1);
    const [e] = s.takeChanges();
    expect(() => s.restore(e.key, e.value!.subarray(0, e.value!.length - 1))).toThrow('versioned history of key "k": version 0 runs past the end');
    expect(() => s.restore(e.key, Buffer.concat([e.value!, Buffer.from([0])]))).toThrow('versioned history of key "k": 1 bytes after the last version');
  });
});
