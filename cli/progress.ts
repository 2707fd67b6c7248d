// Progress on stderr: a line redrawn in place on a terminal; otherwise a plain line when the counts
// changed (at most every few seconds) and, while they stay the same, a heartbeat marked idle now and then.
import type { SinkProgress } from '../connectors/sinks/sink-runner.ts';

export interface ProgressLineOptions {
  /** Least time between two plain lines of changed counts. */
  plainEveryMs?: number;
  /** Time between two plain lines while the counts stay the same. */
  idleEveryMs?: number;
  tty?: boolean;
  now?: () => number;
  write?: (text: string) => void;
}

export class ProgressLine {
  private last = -Infinity;
  private lastCounts: string | undefined;
  private drawn = false;
  private readonly plainEveryMs: number;
  private readonly idleEveryMs: number;
  private readonly tty: boolean;
  private readonly now: () => number;
  private readonly write: (text: string) => void;

  constructor(plainEveryMs = 5_000, opts: Omit<ProgressLineOptions, 'plainEveryMs'> = {}) {
    this.plainEveryMs = plainEveryMs;
    this.idleEveryMs = opts.idleEveryMs ?? 60_000;
    this.tty = opts.tty ?? process.stderr.isTTY === true;
    this.now = opts.now ?? Date.now;
    this.write = opts.write ?? ((text) => process.stderr.write(text));
  }

  /** `counts`: what must change for a plain line to be news (default: the text; leave rates out of it). */
  update(text: string, counts = text): void {
    if (this.tty) {
      this.write(`\r\x1b[2K${text}`);
      this.drawn = true;
      return;
    }
    const now = this.now();
    const changed = counts !== this.lastCounts;
    if (now - this.last < (changed ? this.plainEveryMs : this.idleEveryMs)) return;
    this.last = now;
    this.lastCounts = counts;
    this.write(changed ? `${text}\n` : `idle: ${text}\n`);
  }

  done(text?: string): void {
    if (this.tty && this.drawn) this.write('\r\x1b[2K');
    if (text) this.write(`${text}\n`);
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
