// Progress on stderr: a line redrawn in place on a terminal, a plain line every few seconds otherwise.
import type { SinkProgress } from '../connectors/sinks/sink-runner.ts';

export class ProgressLine {
  private last = 0;
  private drawn = false;
  private readonly tty = process.stderr.isTTY === true;

  constructor(private readonly plainEveryMs = 5_000) {}

  update(text: string): void {
    if (this.tty) {
      process.stderr.write(`\r\x1b[2K${text}`);
      this.drawn = true;
      return;
    }
    const now = Date.now();
    if (now - this.last < this.plainEveryMs) return;
    this.last = now;
    process.stderr.write(`${text}\n`);
  }

  done(text?: string): void {
    if (this.tty && this.drawn) process.stderr.write('\r\x1b[2K');
    if (text) process.stderr.write(`${text}\n`);
    this.drawn = false;
  }
}

export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/**
 * A sink's part of the progress line. Lag is what the sink has not read yet; what it has read but
 * not committed is shown apart: the lake commits at chunk boundaries while reading and the rest only
 * once it is idle, so end - committed alone would read as "behind" while its files are written.
 */
export function sinkProgressText(s: SinkProgress): string {
  let unread = 0;
  let uncommitted = 0;
  for (const p of s.partitions) {
    unread += Math.max(0, p.end - p.position);
    uncommitted += Math.max(0, Math.min(p.position, p.end) - (p.committed ?? 0));
  }
  return `${s.sink}: ${formatCount(s.rowsWritten)} rows, lag ${formatCount(unread)}${uncommitted > 0 ? `, ${formatCount(uncommitted)} to commit` : ''}`;
}
