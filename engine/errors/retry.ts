// Retries an operation while it fails with a retriable error, with exponential backoff; anything
// else is rethrown at once. The engine retries backend calls with it, the warehouse and the sinks
// their writes to a server or an object store that may be down for a while.
import { setTimeout as sleep } from 'node:timers/promises';

/** The kafkajs convention, which the backends follow: a `retriable` flag on the error. */
export function isRetriable(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { retriable?: unknown }).retriable === true;
}

export interface BackoffOptions {
  /** Delay before the second attempt (default 100 ms); it doubles after every further failure. */
  initialDelayMs?: number;
  /** Ceiling of the delay (default 5 s). */
  maxDelayMs?: number;
  /** Give up (rethrow the last error) once this much time has passed (default 60 s); Infinity = never. */
  maxElapsedMs?: number;
  /** Give up after this many attempts (default Infinity). */
  maxAttempts?: number;
  /**
   * Wait a random time in [delay/2, delay] rather than delay itself (default true), so clients that
   * failed together do not all retry together.
   */
  jitter?: boolean;
  /** Checked before each retry: when it returns true the last error is rethrown at once (shutdown). */
  shouldStop?: () => boolean;
  /** Called before each wait, for logging. */
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void;
}

/** How the engine retries calls to its backend (offsets, topic creation): 8 attempts, 100 ms doubling to 3 s. */
export const BACKEND_RETRY: BackoffOptions = { maxAttempts: 8, maxDelayMs: 3_000, maxElapsedMs: Infinity, jitter: false };

export async function withBackoff<T>(
  operation: () => Promise<T>,
  retriable: (err: unknown) => boolean,
  opts: BackoffOptions = {},
): Promise<T> {
  const initial = opts.initialDelayMs ?? 100;
  const max = opts.maxDelayMs ?? 5_000;
  const maxAttempts = opts.maxAttempts ?? Infinity;
  const deadline = Date.now() + (opts.maxElapsedMs ?? 60_000);
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (err) {
      if (!retriable(err) || attempt >= maxAttempts || opts.shouldStop?.() || Date.now() >= deadline) throw err;
      const ceiling = Math.min(max, initial * 2 ** (attempt - 1));
      const delay = opts.jitter === false ? ceiling : Math.max(10, Math.round(ceiling / 2 + (Math.random() * ceiling) / 2));
      opts.onRetry?.(err, attempt, delay);
      await sleep(Math.min(delay, Math.max(0, deadline - Date.now())));
    }
  }
}
