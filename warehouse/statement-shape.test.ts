import { describe, expect, it } from 'vitest';
import { codeOnly, requireOneStatementWithoutFormat } from './statement-shape.ts';

describe('requireOneStatementWithoutFormat', () => {
  it('accepts one statement, with or without a trailing semicolon', () => {
    for (const sql of [
      'SELECT 1',
      'SELECT 1;',
      ' SELECT 1 ; \n',
      'SELECT \'a;b\', "c;d", `format x` -- ; FORMAT JSON',
      "SELECT formatDateTime(now(), '%Y') AS format_x SETTINGS max_threads = 1",
      "SELECT 'it''s; FORMAT JSON'",
    ]) {
      expect(() => requireOneStatementWithoutFormat(sql), sql).not.toThrow();
    }
  });

  it('refuses two statements, naming how many', () => {
    expect(() => requireOneStatementWithoutFormat('SELECT 1; SELECT 2')).toThrow('the query holds 2 statements; run one at a time');
    expect(() => requireOneStatementWithoutFormat('SELECT 1; /* two */ SELECT 2; SELECT 3;')).toThrow('the query holds 3 statements');
  });

  it('refuses a query without a statement', () => {
    for (const sql of ['', '  \n', ';', ' ; ;', '-- nothing', '/* none */ ;']) {
      expect(() => requireOneStatementWithoutFormat(sql), JSON.stringify(sql)).toThrow(
        'the query holds no statement (nothing but blanks, comments or semicolons)',
      );
    }
  });

  it('refuses a FORMAT clause, naming it', () => {
    expect(() => requireOneStatementWithoutFormat('SELECT 1 FORMAT JSON')).toThrow(
      'the query ends in FORMAT JSON: leave it out and choose the output with --format table, json or csv',
    );
    expect(() => requireOneStatementWithoutFormat('select 1 format Pretty settings max_threads = 1;')).toThrow('FORMAT Pretty');
    expect(() => requireOneStatementWithoutFormat('SELECT 1 SETTINGS max_threads = 1 FORMAT CSV')).toThrow('FORMAT CSV');
  });

  it('blanks strings, quoted names and comments, keeping positions', () => {
    const sql = "SELECT 'a\\'b' /* c */ -- d\nFROM t";
    expect(codeOnly(sql)).toHaveLength(sql.length);
    expect(codeOnly(sql).replace(/\s+/g, ' ')).toBe('SELECT FROM t');
  });
});
