// Partial merges of one key's slices, so that closing a hopping window costs a few merges instead
// of one per slice (30 for a 30-day window advancing by a day).
//
// Slices are grouped in aligned blocks of n (= slices per window). Window j covers slices
// [j, j + n - 1], which is a suffix of block floor(j / n) followed by a prefix of the next block.
// Windows close in order, so the suffixes of one block and the prefixes of the next are each built
// once, one merge per slice, and reused by the n windows that need them. A record added to a slice
// invalidates only the partials that include that slice.
import type { KeySlices } from '../state/slice-store.ts';

export interface MergeOps<A> {
  init(): A;
  /** into += from; mutates and returns into, never changes from. */
  merge(into: A, from: A): A;
}

export class WindowPartials<A> {
  private suffixBlock = Number.NaN;
  /** suffix[x - blockStart]: merge of slices [x, block end]; valid for x >= suffixValidFrom. */
  private suffix: (A | undefined)[] = [];
  private suffixValidFrom = Number.POSITIVE_INFINITY;
  private prefixBlock = Number.NaN;
  /** prefix[x - blockStart]: merge of slices [block start, x]; valid for x <= prefixValidThrough. */
  private prefix: (A | undefined)[] = [];
  private prefixValidThrough = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly n: number,
    private readonly ops: MergeOps<A>,
  ) {}

  /** Slice `index` changed (or appeared): drop the partials that include it. */
  changed(index: number): void {
    const block = Math.floor(index / this.n);
    if (block === this.suffixBlock) this.suffixValidFrom = Math.max(this.suffixValidFrom, index + 1);
    if (block === this.prefixBlock) this.prefixValidThrough = Math.min(this.prefixValidThrough, index - 1);
  }

  /** A fresh aggregate of window j (slices [j, j + n - 1]), or undefined when it holds no slice. */
  window(ks: KeySlices<A>, j: number): A | undefined {
    const block = Math.floor(j / this.n);
    const head = this.suffixOf(ks, block, j);
    const tail = j % this.n === 0 ? undefined : this.prefixOf(ks, block + 1, j + this.n - 1);
    if (head === undefined && tail === undefined) return undefined;
    let out = this.ops.init();
    if (head !== undefined) out = this.ops.merge(out, head);
    if (tail !== undefined) out = this.ops.merge(out, tail);
    return out;
  }

  private suffixOf(ks: KeySlices<A>, block: number, j: number): A | undefined {
    const start = block * this.n;
    const end = start + this.n - 1;
    if (block !== this.suffixBlock) {
      this.suffixBlock = block;
      this.suffix = [];
      this.suffixValidFrom = end + 1;
    }
    if (j < this.suffixValidFrom) {
      let at = lastSliceAtOrBefore(ks, this.suffixValidFrom - 1);
      for (let x = this.suffixValidFrom - 1; x >= j; x--) {
        const later = x === end ? undefined : this.suffix[x + 1 - start];
        const s = at >= 0 && ks.slices[at].index === x ? ks.slices[at--].agg : undefined;
        this.suffix[x - start] = this.combine(s, later);
      }
      this.suffixValidFrom = j;
    }
    return this.suffix[j - start];
  }

  private prefixOf(ks: KeySlices<A>, block: number, t: number): A | undefined {
    const start = block * this.n;
    if (block !== this.prefixBlock) {
      this.prefixBlock = block;
      this.prefix = [];
      this.prefixValidThrough = start - 1;
    }
    if (t > this.prefixValidThrough) {
      let at = lastSliceAtOrBefore(ks, this.prefixValidThrough) + 1;
      for (let x = this.prefixValidThrough + 1; x <= t; x++) {
        const earlier = x === start ? undefined : this.prefix[x - 1 - start];
        const s = at < ks.slices.length && ks.slices[at].index === x ? ks.slices[at++].agg : undefined;
        this.prefix[x - start] = this.combine(earlier, s);
      }
      this.prefixValidThrough = t;
    }
    return this.prefix[t - start];
  }

  /** A new aggregate of a and b; one side alone is shared, never copied (partials are read-only). */
  private combine(a: A | undefined, b: A | undefined): A | undefined {
    if (a === undefined) return b;
    if (b === undefined) return a;
    return this.ops.merge(this.ops.merge(this.ops.init(), a), b);
  }
}

/** Position in ks.slices of the last slice with index <= x, or -1. */
function lastSliceAtOrBefore(ks: KeySlices<unknown>, x: number): number {
  let lo = 0;
  let hi = ks.slices.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (ks.slices[mid].index <= x) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}
