// What `riskstream query` accepts: one statement, printed in the format the caller asked for. Two
// statements, or a FORMAT clause of its own, would come back as text the table renderer cannot read.
// Strings, quoted names and comments are blanked first, so a ';' or 'format' inside them is no clause.
import { WarehouseError } from './errors.ts';

/** The SQL with string literals, quoted identifiers and comments blanked to spaces (same length). */
export function codeOnly(sql: string): string {
  let out = '';
  let i = 0;
  while (i < sql.length) {
    const c = sql[i];
    const end =
      c === "'" || c === '"' || c === '`'
        ? quotedEnd(sql, i)
        : sql.startsWith('--', i) || c === '#'
          ? lineEnd(sql, i)
          : sql.startsWith('/*', i)
            ? blockEnd(sql, i)
            : i;
    if (end === i) {
      out += c;
      i++;
    } else {
      out += ' '.repeat(end - i);
      i = end;
    }
  }
  return out;
}

function quotedEnd(sql: string, start: number): number {
  const quote = sql[start];
  for (let i = start + 1; i < sql.length; i++) {
    if (sql[i] === '\\') i++;
    else if (sql[i] === quote) {
      if (sql[i + 1] === quote)
        i++; // a doubled quote stands for itself
      else return i + 1;
    }
  }
  return sql.length;
}

function lineEnd(sql: string, start: number): number {
  const nl = sql.indexOf('\n', start);
  return nl < 0 ? sql.length : nl;
}

function blockEnd(sql: string, start: number): number {
  const close = sql.indexOf('*/', start + 2);
  return close < 0 ? sql.length : close + 2;
}

const FORMAT_CLAUSE = /\bFORMAT\s+([A-Za-z_][A-Za-z0-9_]*)\s*(?:SETTINGS\b[^;]*)?;?\s*$/i;

/** Throws WarehouseError unless `sql` is exactly one statement (a trailing ';' is fine) without a FORMAT clause. */
export function requireOneStatementWithoutFormat(sql: string): void {
  const code = codeOnly(sql);
  const statements = code.split(';').filter((s) => s.trim() !== '');
  if (statements.length === 0) throw new WarehouseError('the query holds no statement (nothing but blanks, comments or semicolons)');
  if (statements.length > 1) throw new WarehouseError(`the query holds ${statements.length} statements; run one at a time`);
  const format = FORMAT_CLAUSE.exec(code);
  if (format)
    throw new WarehouseError(`the query ends in FORMAT ${format[1]}: leave it out and choose the output with --format table, json or csv`);
}
