// The sink part of `riskstream run`'s progress line: lag counts what the sink has not read, and
// what it read but has not committed (the lake's open chunks) is shown apart. Off a terminal the line
// is printed when the counts change, and while they do not, once a minute marked idle.
import { describe, expect, it } from 'vitest';
import type { SinkProgress } from '../connectors/sinks/sink-runner.ts';
import { ProgressLine, sinkProgressText } from './progress.ts';

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

describe('ProgressLine off a terminal', () => {
  it('prints changed counts at most every plainEveryMs, and the same counts only as an idle heartbeat', () => {
    let now = 0;
    const lines: string[] = [];
    const line = new ProgressLine(5_000, { tty: false, now: () => now, write: (t) => lines.push(t), idleEveryMs: 60_000 });
    const tick = (ms: number, text: string, counts = text) => {
      now += ms;
      line.update(text, counts);
    };
    tick(0, 'a: 0 in (0/s)', 'a: 0');
    tick(1_000, 'a: 10 in (10/s)', 'a: 10'); // changed, but within 5 s
    tick(4_000, 'a: 10 in (2/s)', 'a: 10'); // 5 s after the first line: the pending change
    tick(5_000, 'a: 10 in (0/s)', 'a: 10'); // the rate alone moved: idle, not yet a minute
    tick(50_000, 'a: 10 in (0/s)', 'a: 10');
    tick(10_000, 'a: 10 in (0/s)', 'a: 10'); // a minute after the last line
    tick(1_000, 'a: 11 in (1/s)', 'a: 11'); // changed: 1 s after the heartbeat, too soon
    tick(5_000, 'a: 12 in (1/s)', 'a: 12');
    expect(lines).toEqual(['a: 0 in (0/s)\n', 'a: 10 in (2/s)\n', 'idle: a: 10 in (0/s)\n', 'a: 12 in (1/s)\n']);
  });

  it('redraws in place on a terminal', () => {
    const lines: string[] = [];
    const line = new ProgressLine(5_000, { tty: true, now: () => 0, write: (t) => lines.push(t) });
    line.update('x');
    line.update('x');
    line.done('end');
    expect(lines).toEqual(['\r\x1b[2Kx', '\r\x1b[2Kx', '\r\x1b[2K', 'end\n']);
  });
});
