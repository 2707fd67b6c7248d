// Tests that steer a real consumer (slow it down, move a partition away) replace a few of its
// calls and forward the rest: a method added to GroupConsumer is forwarded here, once.
import type { GroupConsumer } from '../backend/backend.ts';

/** A GroupConsumer that forwards every call to `inner` except those in `overrides`. */
export function wrappedConsumer(inner: GroupConsumer, overrides: Partial<GroupConsumer>): GroupConsumer {
  return {
    subscribe: (topics, listener) => inner.subscribe(topics, listener),
    poll: (maxRecords, timeoutMs) => inner.poll(maxRecords, timeoutMs),
    positions: () => inner.positions(),
    caughtUp: () => inner.caughtUp(),
    knownEnd: (tp) => inner.knownEnd(tp),
    refreshEnds: (topic) => inner.refreshEnds(topic),
    seek: (tp) => inner.seek(tp),
    pause: (tps) => inner.pause(tps),
    resume: (tps) => inner.resume(tps),
    assignedAnyOf: (partitions) => inner.assignedAnyOf(partitions),
    close: () => inner.close(),
    ...overrides,
  };
}
