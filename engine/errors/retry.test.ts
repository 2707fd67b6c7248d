// withBackoff: which failures it retries, how often, and the delays it waits (reported by onRetry).
import { describe, expect, it } from 'vitest';
import { BACKEND_RETRY, isRetriable, withBackoff, type BackoffOptions } from './retry.ts';

class Flaky extends Error {
  constructor(readonly retriable: boolean) {
    super(retriable ? 'retriable failure' : 'fatal failure');
  }
}

/** An operation failing `failures` times with `err`, then answering 'ok'; counts its calls. */
function failing(failures: number, err: Error): { op: () => Promise<string>; calls: () => number } {
  let calls = 0;
  return {
    op: async () => {
      calls++;
      if (calls <= failures) throw err;
      return 'ok';
    },
    calls: () => calls,
  };
}

async function run(
  failures: number,
  err: Error,
  opts: BackoffOptions,
): Promise<{ result: string | Error; calls: number; delays: number[] }> {
  const delays: number[] = [];
  const f = failing(failures, err);
  const result = await withBackoff(f.op, isRetriable, { ...opts, onRetry: (_e, _attempt, delay) => delays.push(delay) }).catch(
    (e: Error) => e,
  );
  return { result, calls: f.calls(), delays };
}

describe('withBackoff', () => {
  it('retries retriable failures until the operation succeeds', async () => {
    const r = await run(3, new Flaky(true), { initialDelayMs: 1, jitter: false });
    expect(r).toEqual({ result: 'ok', calls: 4, delays: [1, 2, 4] });
  });

  it('rethrows anything not retriable at once', async () => {
    const err = new Flaky(false);
    const r = await run(3, err, { initialDelayMs: 1 });
    expect(r).toEqual({ result: err, calls: 1, delays: [] });
  });

  it("gives up after the backend policy's attempts, its delays doubling to the ceiling without jitter", async () => {
    // BACKEND_RETRY scaled down 100×: 100 ms doubling to 3 s becomes 1 ms doubling to 30 ms.
    const err = new Flaky(true);
    const r = await run(20, err, { ...BACKEND_RETRY, initialDelayMs: 1, maxDelayMs: 30 });
    expect(r).toEqual({ result: err, calls: 8, delays: [1, 2, 4, 8, 16, 30, 30] });
  });

  it('with jitter waits between half the delay and the delay', async () => {
    const r = await run(4, new Flaky(true), { initialDelayMs: 20, maxDelayMs: 40 });
    expect(r.result).toBe('ok');
    const ceilings = [20, 40, 40, 40];
    expect(r.delays).toHaveLength(4);
    r.delays.forEach((d, i) => {
      expect(d).toBeGreaterThanOrEqual(ceilings[i] / 2);
      expect(d).toBeLessThanOrEqual(ceilings[i]);
    });
  });

  it('stops retrying when shouldStop says so or the time is up', async () => {
    const err = new Flaky(true);
    expect(await run(5, err, { initialDelayMs: 1, shouldStop: () => true })).toEqual({ result: err, calls: 1, delays: [] });
    expect(await run(5, err, { initialDelayMs: 1, maxElapsedMs: 0 })).toEqual({ result: err, calls: 1, delays: [] });
  });
});
