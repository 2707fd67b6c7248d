// A broker outage mid-run (Kafka restarted, a network cut): what the engine and the sinks wait out
// instead of failing. Their uncommitted work is dropped and redone from the last commit, as after
// a crash, so waiting never commits past what was processed and acknowledged.
import { BackendError, BrokerConnectionError } from '../backend/errors.ts';
import type { Logger } from '../observability/logger.ts';

/** How long a running application waits for an unreachable broker before it fails. */
export const BROKER_OUTAGE_GRACE_MS = 5 * 60_000;

/**
 * kafkajs errors it calls non-retriable that a broker stopping or starting produces: its group
 * coordinator lookup gives up while the broker is down or still loading the group metadata.
 */
const OUTAGE_ERROR_NAMES = new Set(['KafkaJSGroupCoordinatorNotFound']);

/**
 * True when `err`, or an error it wraps, says the broker could not be reached or answered with a
 * retriable error (a coordinator moving while the broker stops or starts): redoing the work from the
 * last commit is safe, as after a crash. kafkajs wraps its own errors in `originalError`.
 */
export function isBrokerUnreachable(err: unknown): boolean {
  const seen = new Set<unknown>();
  let e: unknown = err;
  while (e instanceof Error && !seen.has(e)) {
    if (e instanceof BrokerConnectionError || (e as { retriable?: unknown }).retriable === true || OUTAGE_ERROR_NAMES.has(e.name))
      return true;
    seen.add(e);
    e = e.cause ?? (e as { originalError?: unknown }).originalError;
  }
  return false;
}

/**
 * Retries `reconnect` with backoff (0.5 s doubling to 5 s) while it fails on Kafka (unreachable, or
 * a broker just back that is still loading its metadata), for up to BROKER_OUTAGE_GRACE_MS or until
 * `stopped()`; other errors are thrown at once.
 */
export async function reconnectAfterOutage(
  what: string,
  reconnect: () => Promise<void>,
  log: Logger | undefined,
  stopped: () => boolean,
): Promise<void> {
  const deadline = Date.now() + BROKER_OUTAGE_GRACE_MS;
  let delay = 500;
  for (let attempt = 1; ; attempt++) {
    try {
      await reconnect();
      if (attempt > 1) log?.warn({ attempt }, `${what}: broker reachable again, resuming from the last commit`);
      return;
    } catch (err) {
      if (!(err instanceof BackendError) || Date.now() + delay > deadline || stopped()) throw err;
      log?.debug({ attempt, delayMs: delay, err: (err as Error).message }, `${what}: broker still unreachable, retrying`);
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 5_000);
    }
  }
}

/**
 * Closes a client left over from before an outage, giving up after `ms`: kafkajs' disconnect can
 * wait forever on a consumer whose broker is gone, and the client is dropped either way.
 */
export async function closeAbandoned(close: () => Promise<void>, ms = 5_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([close().catch(() => undefined), new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}
