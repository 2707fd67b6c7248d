// Renders a TabSeparatedWithNamesAndTypes result as an aligned text table for humans. TSV keeps every
// value exact (64-bit integers, decimals) and exists on every ClickHouse version, old servers included.

const NUMERIC_TYPE = /^(Nullable\()?(U?Int\d+|Float\d+|Decimal)/;

export function unescapeTsv(field: string): string {
  if (!field.includes('\\')) return field;
  return field.replace(/\\(.)/g, (_m, c: string) => {
    switch (c) {
      case 't':
        return '\t';
      case 'n':
        return '\n';
      case 'r':
        return '\r';
      case '0':
        return '\0';
      case 'b':
        return '\b';
      case 'f':
        return '\f';
      default:
        return c;
    }
  });
}

export function renderTsvTable(tsv: string): string {
  const lines = tsv.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  if (lines.length < 2) return '(0 rows)\n';
  const names = lines[0].split('\t').map(unescapeTsv);
  const types = lines[1].split('\t').map(unescapeTsv);
  const rows = lines.slice(2).map((line) => line.split('\t').map((f) => (f === '\\N' ? 'NULL' : unescapeTsv(f).replace(/\n/g, '\\n'))));
  const numeric = types.map((t) => NUMERIC_TYPE.test(t));
  const widths = names.map((n, i) => rows.reduce((w, r) => Math.max(w, (r[i] ?? '').length), n.length));
  const cell = (value: string, i: number) => (numeric[i] ? value.padStart(widths[i]) : value.padEnd(widths[i]));
  const out = [
    names.map(cell).join('  ').trimEnd(),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...rows.map((r) => r.map(cell).join('  ').trimEnd()),
    `(${rows.length} row${rows.length === 1 ? '' : 's'})`,
  ];
  return out.join('\n') + '\n';
}
