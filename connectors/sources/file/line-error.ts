// Why one input line could not become a record. It never stops the file: the line goes to the
// topic's dead-letter topic with `message`, and is counted under `reasonKey`.

export class LineError extends Error {
  /**
   * @param reason  what kind of problem, without values: 'invalid JSON', 'missing field', ...
   * @param path    the field it concerns (dotted, e.g. 'lines.0.posted_at'), or null for the whole line
   * @param message one line with the details, for the dead-letter `error` header
   */
  constructor(
    readonly reason: string,
    readonly path: string | null,
    message: string,
  ) {
    super(message);
    this.name = 'LineError';
  }

  /** Groups like problems in the summary: 'missing field customer_id', 'invalid field lines[].posted_at'. */
  get reasonKey(): string {
    return this.path ? `${this.reason} ${this.path.replace(/\.\d+(?=\.|$)/g, '[]')}` : this.reason;
  }
}

/** A value as a message shows it: JSON, cut at 60 characters. */
export function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
