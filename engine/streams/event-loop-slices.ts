// Processing gives the event loop a turn every few milliseconds, so that what else runs in the
// process (interactive queries over HTTP, a stream thread's messages, metrics, timers) waits for
// at most one slice instead of a whole poll's batch and the commit after it. Records are processed
// whole, one at a time on one thread, so a query answered between two slices sees each partition's
// state after some record of it: never part of a record, never staler than the last commit.

/** The longest stretch of processing before the event loop gets a turn. */
export const PROCESSING_SLICE_MS = 5;

export class EventLoopSlices {
  private sliceStart = performance.now();

  /** Resolves after giving the event loop a turn when the current slice is used up, at once otherwise. */
  async maybeYield(): Promise<void> {
    if (performance.now() - this.sliceStart < PROCESSING_SLICE_MS) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.sliceStart = performance.now();
  }
}
