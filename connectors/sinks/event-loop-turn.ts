// Long runs of synchronous work (encoding and writing thousands of small lake files to a local
// directory, decoding a poll of 10,000 records) starve the event loop they share with a stream
// application: its polls, its commits every 100 ms, kafkajs heartbeats and /metrics all wait.
// Awaiting an already settled promise does not help (microtasks run before timers and I/O), so such
// loops give the event loop a turn whenever it has been held for a while.

/** How long sink work may hold the event loop before it lets timers and I/O run. */
const MAX_BURST_MS = 20;

/**
 * When the event loop last had a turn given here. One per thread (module state): the sinks sharing a
 * loop share it, so a turn one of them gave counts for all.
 */
let lastTurn = performance.now();

/** Undefined at once, or, when MAX_BURST_MS have passed since the last turn, a turn of the event loop. */
export function eventLoopTurnIfHeld(): Promise<void> | undefined {
  if (performance.now() - lastTurn < MAX_BURST_MS) return undefined;
  return new Promise((resolve) =>
    setImmediate(() => {
      lastTurn = performance.now();
      resolve();
    }),
  );
}
