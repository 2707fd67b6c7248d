// Retries an operation that failed with a retriable backend error (kafkajs convention: a
// `retriable` flag), with exponential backoff; anything else is rethrown at once.
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function isRetriable(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { retriable?: unknown }).retriable === true;
}

export async function withRetry<T>(what: string, fn: () => Promise<T>, attempts = 8): Promise<T> {
  let delay = 100;
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (err) {
      if (!isRetriable(err) || i >= attempts) throw err;
      await sleep(delay);
      delay = Math.min(delay * 2, 3000);
    }
  }
  void what;
}
