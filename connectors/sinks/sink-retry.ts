// How a sink retries a write its target refuses for now (a server or an S3 endpoint that is down):
// backoff with no time limit, each retry logged, until it succeeds or the runner stops (`signal`).
// A failure that is not retriable, or is still failing at the stop, becomes one SinkError.
import { withBackoff, type BackoffOptions, type Logger } from '../../engine/index.ts';
import { SinkError } from './sink.ts';

export interface SinkRetryOptions {
  retry?: BackoffOptions;
  logger?: Logger;
}

/** `what` names the write for the log and the error, e.g. "warehouse sink: insert into transactions". */
export function retryingSinkWrite<T>(
  op: () => Promise<T>,
  isRetriable: (err: unknown) => boolean,
  what: string,
  signal: AbortSignal,
  opts: SinkRetryOptions,
): Promise<T> {
  return withBackoff(op, isRetriable, {
    initialDelayMs: 200,
    maxDelayMs: 5_000,
    maxElapsedMs: Infinity,
    ...opts.retry,
    shouldStop: () => signal.aborted,
    onRetry: (err, attempt, delayMs) => opts.logger?.warn({ err: String(err), attempt, delayMs }, `${what} failed, retrying`),
  }).catch((err: unknown) => {
    throw new SinkError(`${what} failed: ${(err as Error).message ?? String(err)}`);
  });
}
