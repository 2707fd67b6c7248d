// The sink part of `riskstream run`'s progress line: lag counts what the sink has not read, and
// what it read but has not committed (the lake's open chunks) is shown apart.
import { describe, expect, it } from 'vitest';
import type { SinkProgress } from '../connectors/sinks/sink-runner.ts';
import { sinkProgressText } from './progress.ts';

function sink(partitions: { end: number; position: number; committed: number | null }[]): SinkProgress {
  return {
    sink: 'lake',
    groupId: 'riskstream-sink-lake',
    rowsWritten: 1234,
    deadLettered: 0,
    idle: false,
    partitions: partitions.map((p, partition) => ({ topic: 'risk-features', partition, ...p, lag: p.end - (p.committed ?? 0) })),
  };
}

describe('sinkProgressText', () => {
  it('counts unread records as lag and read, uncommitted ones apart', () => {
    const text = sinkProgressText(
      sink([
        { end: 30_000, position: 30_000, committed: null },
        { end: 40_000, position: 35_000, committed: 10_000 },
      ]),
    );
    expect(text).toBe('lake: 1,234 rows, lag 5,000, 55,000 to commit');
  });

  it('says nothing of commits when everything read is committed', () => {
    expect(sinkProgressText(sink([{ end: 500, position: 400, committed: 400 }]))).toBe('lake: 1,234 rows, lag 100');
  });
});
