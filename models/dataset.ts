// A labelled data set: feature rows (a value per feature name, null when missing) and 0/1 labels.
import type { CsvTable } from './csv-table.ts';

export type FeatureValue = number | string | null;
export type FeatureRow = Record<string, FeatureValue>;

export interface Dataset {
  features: string[];
  rows: FeatureRow[];
  labels: (0 | 1)[];
}

export interface LabelSpec {
  label: string;
  /** The label value that counts as positive (e.g. 'Bad'); every other non-empty value is negative. */
  positive: string;
}

/** Rows with an empty label are dropped; empty cells become null. */
export function datasetFromCsv(table: CsvTable, spec: LabelSpec, source: string): Dataset {
  const labelAt = table.header.indexOf(spec.label);
  if (labelAt < 0) throw new Error(`${source}: no column '${spec.label}' (columns: ${table.header.join(', ')})`);
  const features = table.header.filter((_, i) => i !== labelAt);
  const rows: FeatureRow[] = [];
  const labels: (0 | 1)[] = [];
  for (const cells of table.rows) {
    const label = cells[labelAt].trim();
    if (label === '') continue;
    const row: FeatureRow = {};
    table.header.forEach((name, i) => {
      if (i !== labelAt) row[name] = cells[i].trim() === '' ? null : cells[i];
    });
    rows.push(row);
    labels.push(label === spec.positive ? 1 : 0);
  }
  if (rows.length > 0 && !labels.includes(1)) {
    throw new Error(`${source}: no row has label '${spec.label}' = '${spec.positive}' (its values: ${labelValuesText(table, labelAt)})`);
  }
  return checkedDataset({ features, rows, labels }, source, spec);
}

/** The label's distinct values, most frequent first, so a mistyped --positive shows what to type. */
function labelValuesText(table: CsvTable, labelAt: number, shown = 10): string {
  const counts = new Map<string, number>();
  for (const cells of table.rows) {
    const value = cells[labelAt].trim();
    if (value !== '') counts.set(value, (counts.get(value) ?? 0) + 1);
  }
  const values = [...counts].sort((a, b) => b[1] - a[1]).map(([value]) => value);
  const more = values.length > shown ? `, ... ${values.length - shown} more` : '';
  return values.slice(0, shown).join(', ') + more;
}

/** Both classes present and at least one feature: otherwise nothing can be learned. */
export function checkedDataset(data: Dataset, source: string, spec?: LabelSpec): Dataset {
  const positives = data.labels.reduce<number>((s, y) => s + y, 0);
  const what = spec ? `label '${spec.label}' = '${spec.positive}'` : 'positive label';
  if (data.features.length === 0) throw new Error(`${source}: no feature columns besides the label`);
  if (positives === 0) throw new Error(`${source}: no row has ${what}`);
  if (positives === data.labels.length) throw new Error(`${source}: every row has ${what}, there is no negative class`);
  return data;
}

export function positivesOf(labels: readonly (0 | 1)[]): number {
  return labels.reduce<number>((s, y) => s + y, 0);
}
