// The slice store's changelog: slices rotate through a fixed set of slots per key, so an expired
// slice is overwritten rather than deleted; tombstones only when a key has no slice left; old
// per-index entries still restore and are deleted with their slice.
import { describe, expect, it } from 'vitest';
import { jsonSerde } from '../serdes/serde.ts';
import { SliceStore, sliceSlotsFor } from './slice-store.ts';
import type { ChangelogEntry } from './state-store.ts';

const SLOTS = 4;
const serde = jsonSerde<number>();

function store(): SliceStore<number> {
  return new SliceStore<number>('s', SLOTS, serde);
}

function add(s: SliceStore<number>, key: string, index: number, n: number): void {
  const slice = s.slice(key, index, () => 0);
  slice.agg += n;
  s.touch(s.keyState(key)!, slice);
}

const keyOf = (e: ChangelogEntry): string => e.key.toString('utf8').replace('\u0001', '/').replace('\u0000', '#');

/** The changelog as a compacted topic keeps it: the last entry per key, tombstones dropped. */
function compacted(log: ChangelogEntry[]): ChangelogEntry[] {
  const last = new Map<string, ChangelogEntry>();
  for (const e of log) {
    last.delete(e.key.toString('binary'));
    last.set(e.key.toString('binary'), e);
  }
  return [...last.values()].filter((e) => e.value !== null);
}

function live(s: SliceStore<number>): Record<string, [number, number][]> {
  const out: Record<string, [number, number][]> = {};
  for (const ks of s.allKeys()) if (ks.slices.length > 0) out[ks.key] = ks.slices.map((x) => [x.index, x.agg]);
  return out;
}

describe('slice store changelog', () => {
  it('sizes the slots so that no two live slices of a key share one', () => {
    const day = 86_400_000;
    // Live slice indexes span (closed window, stream time / advance]: 31 for 30 days + 1 day grace.
    expect(sliceSlotsFor({ sizeMs: 30 * day, advanceMs: day, graceMs: day })).toBe(32);
    expect(sliceSlotsFor({ sizeMs: 60_000, advanceMs: 60_000, graceMs: 0 })).toBe(2);
    expect(sliceSlotsFor({ sizeMs: 10, advanceMs: 3, graceMs: 0 })).toBe(5);
  });

  it('writes no tombstone for an expired slice while its key has others: the slot is overwritten', () => {
    const s = store();
    add(s, 'c1', 10, 1);
    add(s, 'c1', 11, 2);
    expect(s.takeChanges().map(keyOf)).toEqual(['c1/2', 'c1/3']);
    s.removeUpTo('c1', 10);
    add(s, 'c1', 14, 5); // slot 14 % 4 = 2, the expired slice 10's
    const changes = s.takeChanges();
    expect(changes.map(keyOf)).toEqual(['c1/2']);
    expect(changes[0].value!.readIntLE(1, 6)).toBe(14);
  });

  it('deletes the slots a key wrote once it has no slice left, before a later write to the same slot', () => {
    const s = store();
    add(s, 'c1', 10, 1);
    add(s, 'c1', 11, 2);
    s.takeChanges();
    s.removeUpTo('c1', 11);
    expect(s.keyState('c1')).toBeUndefined();
    add(s, 'c1', 18, 7); // the key comes back, into slot 2 again
    const changes = s.takeChanges();
    expect(changes.map((e) => [keyOf(e), e.value === null])).toEqual([
      ['c1/2', true],
      ['c1/3', true],
      ['c1/2', false],
    ]);
    // Compacted and restored: only the new slice.
    const r = store();
    for (const e of compacted(changes)) r.restore(e.key, e.value);
    expect(live(r)).toEqual({ c1: [[18, 7]] });
  });

  it('restores from the compacted changelog (or the whole of it) the live slices', () => {
    const s = store();
    const log: ChangelogEntry[] = [];
    for (let day = 0; day < 12; day++) {
      add(s, 'a', day, day + 1);
      if (day % 3 === 0) add(s, 'b', day, 100 + day);
      s.removeUpTo('a', day - SLOTS + 1);
      s.removeUpTo('b', day - SLOTS + 1);
      log.push(...s.takeChanges());
    }
    // Restored values include expired slices (overwritten only once their slot comes round again);
    // the window processor drops them from the restored stream time, as here.
    const dropExpired = (x: SliceStore<number>): void => {
      for (const ks of [...x.allKeys()]) x.removeUpTo(ks.key, 11 - SLOTS + 1);
    };
    const r = store();
    for (const e of compacted(log)) r.restore(e.key, e.value);
    dropExpired(r);
    expect(live(r)).toEqual(live(s));
    expect(live(s)).toEqual({
      a: [
        [9, 10],
        [10, 11],
        [11, 12],
      ],
      b: [[9, 109]],
    });
    // Replaying the whole log (not compacted) gives the same state too.
    const full = store();
    for (const e of log) full.restore(e.key, e.value);
    dropExpired(full);
    expect(live(full)).toEqual(live(s));
    // Fewer records than one write and one tombstone per slice.
    expect(log.filter((e) => e.value === null).length).toBeLessThan(3);
  });

  it('restores entries of the old per-index layout and deletes their keys with the slice', () => {
    const r = store();
    r.restore(Buffer.from('c1\u00005'), serde.serialize(3));
    r.restore(Buffer.from('c1\u00006'), serde.serialize(4));
    r.restore(Buffer.from('c1\u00006'), null);
    r.restore(Buffer.from('c2\u00007'), serde.serialize(9));
    expect(live(r)).toEqual({ c1: [[5, 3]], c2: [[7, 9]] });
    r.removeUpTo('c1', 5);
    r.removeUpTo('c2', 7);
    expect(r.takeChanges().map((e) => [keyOf(e), e.value])).toEqual([
      ['c1#5', null],
      ['c2#7', null],
    ]);
  });

  it('keeps an expired slot in the local copy, so the key still deletes it after a restart', () => {
    const s = store();
    add(s, 'c1', 10, 1);
    add(s, 'c1', 11, 2);
    s.takeChanges();
    s.removeUpTo('c1', 10); // slot 2 still holds slice 10 in the changelog
    expect([...s.dump()].map(keyOf)).toEqual(['c1/3']);
    const copy = [...s.localCopy()];
    expect(copy.map(keyOf)).toEqual(['c1/3', 'c1/2']);
    const r = store();
    for (const e of copy) r.restore(e.key, e.value);
    expect(live(r)).toEqual({ c1: [[11, 2]] });
    r.removeUpTo('c1', 11);
    expect(
      r
        .takeChanges()
        .map((e) => [keyOf(e), e.value])
        .sort(),
    ).toEqual([
      ['c1/2', null],
      ['c1/3', null],
    ]);
  });

  it('refuses a damaged slot value, naming the key and slot', () => {
    const r = store();
    expect(() => r.restore(Buffer.from('c1\u00012'), Buffer.from([9, 1]))).toThrow(
      /slice store s: changelog value of "c1" slot 2 is damaged \(2 bytes, kind 9\)/,
    );
  });
});
