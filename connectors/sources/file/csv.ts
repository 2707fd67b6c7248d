// RFC 4180 CSV, streamed: quoted cells may hold commas, doubled quotes and line breaks (statement
// lines are a JSON array in one quoted cell). Records are assembled from physical lines.
import { LineError } from './line-error.ts';

/** One CSV record and where it came from. */
export interface CsvRecord {
  /** Physical line (1-based) the record starts on. */
  lineNo: number;
  /** The record's text as in the file (lines joined with '\n'). */
  raw: string;
}

/** A record spanning more than this many characters is taken as an unterminated quote. */
const MAX_RECORD_CHARS = 8 * 1024 * 1024;

function quoteCount(text: string): number {
  let n = 0;
  for (let i = text.indexOf('"'); i !== -1; i = text.indexOf('"', i + 1)) n++;
  return n;
}

/**
 * Groups physical lines into records: a record is complete when its quotes balance (escaped
 * quotes are doubled, so parity is enough). Yields a LineError in place of a record whose quote
 * never closes.
 */
export async function* csvRecords(
  lines: AsyncIterable<string>,
): AsyncGenerator<CsvRecord | { lineNo: number; raw: string; error: LineError }> {
  let lineNo = 0;
  let pending: string[] = [];
  let pendingStart = 0;
  let pendingQuotes = 0;
  let pendingChars = 0;
  for await (const line of lines) {
    lineNo++;
    if (pending.length === 0) {
      pendingStart = lineNo;
      pendingQuotes = 0;
      pendingChars = 0;
    }
    pending.push(line);
    pendingQuotes += quoteCount(line);
    pendingChars += line.length + 1;
    if (pendingQuotes % 2 === 0) {
      yield { lineNo: pendingStart, raw: pending.join('\n') };
      pending = [];
    } else if (pendingChars > MAX_RECORD_CHARS) {
      yield {
        lineNo: pendingStart,
        raw: pending.join('\n'),
        error: new LineError('invalid CSV', null, `invalid CSV: quoted cell not closed within ${MAX_RECORD_CHARS} characters`),
      };
      pending = [];
    }
  }
  if (pending.length > 0) {
    yield {
      lineNo: pendingStart,
      raw: pending.join('\n'),
      error: new LineError('invalid CSV', null, 'invalid CSV: quoted cell not closed before the end of the file'),
    };
  }
}

/** The cells of one complete CSV record. */
export function splitCsvRecord(raw: string): string[] {
  const cells: string[] = [];
  let i = 0;
  const n = raw.length;
  for (;;) {
    if (raw[i] === '"') {
      let cell = '';
      i++;
      for (;;) {
        const close = raw.indexOf('"', i);
        if (close === -1) throw new LineError('invalid CSV', null, 'invalid CSV: quoted cell not closed');
        cell += raw.slice(i, close);
        if (raw[close + 1] === '"') {
          cell += '"';
          i = close + 2;
        } else {
          i = close + 1;
          break;
        }
      }
      if (i < n && raw[i] !== ',') throw new LineError('invalid CSV', null, `invalid CSV: text after a closing quote at column ${i + 1}`);
      cells.push(cell);
    } else {
      const comma = raw.indexOf(',', i);
      const end = comma === -1 ? n : comma;
      cells.push(raw.slice(i, end));
      i = end;
    }
    if (i >= n) return cells;
    i++; // past the comma
    if (i === n) {
      cells.push('');
      return cells;
    }
  }
}

/** Cells by header name; a row with a different number of cells than the header is an error. */
export function csvRow(header: readonly string[], raw: string): Record<string, string> {
  const cells = splitCsvRecord(raw);
  if (cells.length !== header.length) {
    throw new LineError('wrong number of CSV cells', null, `wrong number of CSV cells: ${cells.length}, the header has ${header.length}`);
  }
  const row: Record<string, string> = {};
  for (let k = 0; k < header.length; k++) row[header[k]] = cells[k];
  return row;
}
