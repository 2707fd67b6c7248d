// A binary min-heap of (due time, key), ordered by due time then key ascending: the ordered
// structure under keyed timers and join-buffer expiry. Parallel arrays, so millions of entries cost
// two array slots each and no object per entry. It does not dedupe: owners validate popped entries
// against their own state (lazy deletion), which keeps set/move/cancel O(log n) or O(1).

export class DueQueue {
  private dues: number[] = [];
  private keys: string[] = [];

  get length(): number {
    return this.dues.length;
  }

  push(due: number, key: string): void {
    const dues = this.dues;
    const keys = this.keys;
    let i = dues.length;
    dues.push(due);
    keys.push(key);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(due, key, dues[p], keys[p])) break;
      dues[i] = dues[p];
      keys[i] = keys[p];
      i = p;
    }
    dues[i] = due;
    keys[i] = key;
  }

  /** Due time of the first entry; Infinity when empty. */
  peekDue(): number {
    return this.dues.length > 0 ? this.dues[0] : Infinity;
  }

  peekKey(): string | undefined {
    return this.keys[0];
  }

  /** Removes the first entry (call peekDue/peekKey first to read it). */
  pop(): void {
    const dues = this.dues;
    const keys = this.keys;
    const lastDue = dues.pop()!;
    const lastKey = keys.pop()!;
    const n = dues.length;
    if (n === 0) return;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && before(dues[r], keys[r], dues[l], keys[l]) ? r : l;
      if (!before(dues[c], keys[c], lastDue, lastKey)) break;
      dues[i] = dues[c];
      keys[i] = keys[c];
      i = c;
    }
    dues[i] = lastDue;
    keys[i] = lastKey;
  }

  /** Replaces the contents with `entries` in O(n) (restore, compaction). */
  rebuild(entries: Iterable<[string, number]>): void {
    const dues: number[] = [];
    const keys: string[] = [];
    for (const [k, d] of entries) {
      keys.push(k);
      dues.push(d);
    }
    this.dues = dues;
    this.keys = keys;
    for (let i = (dues.length >> 1) - 1; i >= 0; i--) this.siftDown(i);
  }

  clear(): void {
    this.dues = [];
    this.keys = [];
  }

  private siftDown(start: number): void {
    const dues = this.dues;
    const keys = this.keys;
    const n = dues.length;
    const due = dues[start];
    const key = keys[start];
    let i = start;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && before(dues[r], keys[r], dues[l], keys[l]) ? r : l;
      if (!before(dues[c], keys[c], due, key)) break;
      dues[i] = dues[c];
      keys[i] = keys[c];
      i = c;
    }
    dues[i] = due;
    keys[i] = key;
  }
}

function before(d1: number, k1: string, d2: number, k2: string): boolean {
  return d1 < d2 || (d1 === d2 && k1 < k2);
}
