import { describe, expect, it } from 'vitest';
import { summarizeRuns } from './repeated-runs.ts';

describe('summarizeRuns', () => {
  it('takes the median and range of each figure over the runs that reported it', () => {
    const summary = summarizeRuns([
      { embedded_eps: 150_000, restore_1m_keys_s: 2.5 },
      { embedded_eps: 210_000, restore_1m_keys_s: 1.5, kafka_eos_eps: 90_000 },
      { embedded_eps: 170_000, restore_1m_keys_s: 2.0 },
    ]);
    expect(summary.embedded_eps).toEqual({ median: 170_000, min: 150_000, max: 210_000, runs: 3 });
    expect(summary.restore_1m_keys_s).toEqual({ median: 2.0, min: 1.5, max: 2.5, runs: 3 });
    expect(summary.kafka_eos_eps).toEqual({ median: 90_000, min: 90_000, max: 90_000, runs: 1 });
  });

  it('averages the two middle runs of an even count, keeping counts whole', () => {
    expect(summarizeRuns([{ eps: 101 }, { eps: 100 }, { eps: 300 }, { eps: 1 }]).eps.median).toBe(101);
    expect(summarizeRuns([{ s: 1.5 }, { s: 2.25 }]).s.median).toBe(1.875);
  });
});
