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
  return checkedDataset({ features, rows, labels }, source, spec);
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
