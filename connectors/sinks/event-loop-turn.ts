// Long runs of synchronous work (encoding and writing thousands of small lake files to a local
// directory) starve the event loop they share with a stream application: its polls, its commits
// every 100 ms, kafkajs heartbeats and /metrics all wait. Awaiting an already settled promise does
// not help (microtasks run before timers and I/O), so such loops give the event loop a turn
// whenever they have held it for a while.

/** How long a sink may hold the event loop before it lets timers and I/O run. */
export const MAX_BURST_MS = 20;

export class EventLoopTurns {
  private since = performance.now();

  /** Resolves at once, or, when MAX_BURST_MS have passed since the last turn, after one. */
  maybeYield(): Promise<void> | undefined {
    if (performance.now() - this.since < MAX_BURST_MS) return undefined;
    return new Promise((resolve) =>
      setImmediate(() => {
        this.since = performance.now();
        resolve();
      }),
    );
  }
}
