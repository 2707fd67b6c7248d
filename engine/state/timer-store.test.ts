// The timer store against a plain reference (a Map and a sort): random sets, moves and cancels
// fire in (due time, key) order, each once; a store restored from another's changelog fires the
// same; 200 000 timers restore and fire in order.
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../testing/test-backends.ts';
import { TimerStore } from './timer-store.ts';

function fireAll(store: TimerStore, upTo: number): [string, number][] {
  const out: [string, number][] = [];
  store.fireDue(upTo, (k, d) => out.push([k, d]));
  return out;
}

function reference(pending: Map<string, number>, upTo: number): [string, number][] {
  const due = [...pending].filter(([, d]) => d <= upTo).sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  for (const [k] of due) pending.delete(k);
  return due;
}

describe('TimerStore', () => {
  it('fires random sets, moves and cancels in (due time, key) order, once each, also after a restore', () => {
    const rnd = seededRandom(7);
    const store = new TimerStore('t');
    const copy = new TimerStore('t');
    const pending = new Map<string, number>();
    let time = 0;
    for (let round = 0; round < 200; round++) {
      for (let i = 0; i < 300; i++) {
        const key = `k${Math.floor(rnd() * 500)}`;
        if (rnd() < 0.2) {
          store.cancel(key);
          pending.delete(key);
        } else {
          const due = time + Math.floor(rnd() * 50) - 5;
          store.set(key, due);
          pending.set(key, due);
        }
      }
      time += Math.floor(rnd() * 20);
      const expected = reference(pending, time);
      expect(fireAll(store, time)).toEqual(expected);
      for (const e of store.takeChanges()) copy.restore(e.key, e.value);
      expect(copy.size()).toBe(pending.size);
    }
    expect(pending.size).toBeGreaterThan(50);
    expect(fireAll(copy, Infinity)).toEqual(reference(new Map(pending), Infinity));
    expect(fireAll(store, Infinity)).toEqual(reference(pending, Infinity));
    expect(store.size()).toBe(0);
  });

  it('restores 200 000 timers and fires them in order', () => {
    const n = 200_000;
    const source = new TimerStore('t');
    for (let i = 0; i < n; i++) source.set(`k${i}`, (i * 7919) % n);
    const restored = new TimerStore('t');
    for (const e of source.takeChanges()) restored.restore(e.key, e.value);
    let count = 0;
    let last = -1;
    let ordered = true;
    restored.fireDue(Infinity, (_k, d) => {
      if (d < last) ordered = false;
      last = d;
      count++;
    });
    expect(ordered).toBe(true);
    expect(count).toBe(n);
  });
});
