// Exponential backoff with full jitter for retriable failures (a server that is down, an S3
// endpoint that restarts). Shared by the warehouse adapters and the sinks.

export interface BackoffOptions {
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** Give up (rethrow the last error) once this much time has passed; Infinity = never. */
  maxElapsedMs?: number;
  /** Checked before each retry: when it returns true the last error is rethrown at once (shutdown). */
  shouldStop?: () => boolean;
  /** Called before each wait, for logging. */
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void;
}

export async function withBackoff<T>(
  operation: () => Promise<T>,
  isRetriable: (err: unknown) => boolean,
  opts: BackoffOptions = {},
): Promise<T> {
  const initial = opts.initialDelayMs ?? 100;
  const max = opts.maxDelayMs ?? 5_000;
  const deadline = Date.now() + (opts.maxElapsedMs ?? 60_000);
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (err) {
      if (!isRetriable(err) || opts.shouldStop?.() || Date.now() >= deadline) throw err;
      const ceiling = Math.min(max, initial * 2 ** (attempt - 1));
      const delay = Math.max(10, Math.round(ceiling / 2 + (Math.random() * ceiling) / 2));
      opts.onRetry?.(err, attempt, delay);
      await sleep(Math.min(delay, Math.max(0, deadline - Date.now())));
    }
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
