// Progress on stderr: a line redrawn in place on a terminal, a plain line every few seconds otherwise.
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
