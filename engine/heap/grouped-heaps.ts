// Secondary heaps that split a heap's slots by a small integer group (a partner, a tenant), in the
// same order, so "the top n of one group" is a walk of that group's heap instead of a filtered walk
// of everything (which visits every entry when the group is rare). One shared position column:
// each slot is in at most one group, so this costs 8 bytes per entry whatever the number of groups.
import { grownInt32, SlotHeap, SlotPositions, type SlotOrder } from './slot-heap.ts';

const NONE = -1;

export class GroupedHeaps {
  private readonly positions: SlotPositions;
  private readonly heaps: SlotHeap[] = [];
  private groupOfSlot: Int32Array; // group + 1, 0 = none (so growing needs no fill)

  constructor(
    private readonly order: SlotOrder,
    capacity = 16,
  ) {
    this.positions = new SlotPositions(capacity);
    this.groupOfSlot = new Int32Array(Math.max(16, capacity));
  }

  /** The group the slot is in, or -1. */
  groupOf(slot: number): number {
    return slot < this.groupOfSlot.length ? this.groupOfSlot[slot] - 1 : NONE;
  }

  /** Puts the slot in `group` (moving it out of another one), or re-sorts it there after its key changed. */
  set(slot: number, group: number): void {
    const current = this.groupOf(slot);
    if (current === group) {
      this.heaps[group].update(slot);
      return;
    }
    if (current !== NONE) this.heaps[current].remove(slot);
    while (this.heaps.length <= group) this.heaps.push(new SlotHeap(this.order, this.positions));
    if (slot >= this.groupOfSlot.length) this.groupOfSlot = grownInt32(this.groupOfSlot, slot + 1);
    this.groupOfSlot[slot] = group + 1;
    this.heaps[group].insert(slot);
  }

  delete(slot: number): void {
    const current = this.groupOf(slot);
    if (current === NONE) return;
    this.heaps[current].remove(slot);
    this.groupOfSlot[slot] = 0;
  }

  sizeOf(group: number): number {
    return group >= 0 && group < this.heaps.length ? this.heaps[group].size : 0;
  }

  /** The best n slots of the group passing `accept`, best first. */
  top(group: number, n: number, accept?: (slot: number) => boolean): number[] {
    return group >= 0 && group < this.heaps.length ? this.heaps[group].top(n, accept) : [];
  }
}
