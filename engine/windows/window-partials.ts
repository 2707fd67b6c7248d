// Partial merges of one key's slices, so that closing a hopping window costs a few merges instead
// of one per slice (30 for a 30-day window advancing by a day).
//
// Slices are grouped in aligned blocks of n (= slices per window). Window j covers slices
// [j, j + n - 1], which is a suffix of block floor(j / n) followed by a prefix of the next block.
// Windows close in order, so the suffixes of one block are built once, one merge per slice, and
// reused by the n windows that need them, while the prefix of the next block is one aggregate that
// grows by a merge per slice. A record added to a slice invalidates only the partials that hold it.
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
  /**
   * Merge of slices [block start, prefixThrough] of prefixBlock, one aggregate merged into in place:
   * windows close in order, so the prefix only grows, and is rebuilt from the block start in the
   * rare case that a slice it holds changes (a record later than the grace of the window it closed).
   */
  private prefix: A | undefined;
  private prefixThrough = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly n: number,
    private readonly ops: MergeOps<A>,
  ) {}

  /** Slice `index` changed (or appeared): drop the partials that include it. */
  changed(index: number): void {
    const block = Math.floor(index / this.n);
    if (block === this.suffixBlock) this.suffixValidFrom = Math.max(this.suffixValidFrom, index + 1);
    if (block === this.prefixBlock && index <= this.prefixThrough) this.prefixBlock = Number.NaN;
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

  /** Merge of slices [block start, t] of `block`; t never decreases within a block. */
  private prefixOf(ks: KeySlices<A>, block: number, t: number): A | undefined {
    if (block !== this.prefixBlock) {
      this.prefixBlock = block;
      this.prefix = undefined;
      this.prefixThrough = block * this.n - 1;
    }
    if (t > this.prefixThrough) {
      let at = lastSliceAtOrBefore(ks, this.prefixThrough) + 1;
      while (at < ks.slices.length && ks.slices[at].index <= t) {
        this.prefix = this.ops.merge(this.prefix ?? this.ops.init(), ks.slices[at++].agg);
      }
      this.prefixThrough = t;
    }
    return this.prefix;
  }

  /** A new aggregate of a and b; one side alone is shared, never copied (suffixes are read-only). */
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
