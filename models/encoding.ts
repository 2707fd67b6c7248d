// Feature encoding, fitted on a training fold only: a column whose non-empty values all parse as
// numbers is numeric (missing → the fold's median), any other is categorical (one-hot; missing →
// the fold's most frequent value; a value the fold never saw → all zeros). Every encoded column is
// then standardised with the fold's mean and standard deviation, so LR coefficients are comparable.
import type { Dataset, FeatureRow, FeatureValue } from './dataset.ts';

export type FeatureKind = 'numeric' | 'categorical';

export type FeatureEncoding =
  { name: string; kind: 'numeric'; median: number } | { name: string; kind: 'categorical'; categories: string[]; most_frequent: string };

export interface Encoding {
  features: FeatureEncoding[];
  /** Names of the encoded columns: the feature, or `feature=value` for a one-hot column. */
  columns: string[];
  mean: number[];
  std: number[];
}

function asNumber(v: FeatureValue): number | null {
  if (v === null) return null;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  const t = v.trim();
  if (t === '') return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : null;
}

function isMissing(v: FeatureValue | undefined): boolean {
  return v === null || v === undefined || (typeof v === 'string' && v.trim() === '') || (typeof v === 'number' && !Number.isFinite(v));
}

/** Numeric when every non-empty value of the column parses as a number (over all rows: a schema fact, not a label one). */
export function inferKinds(data: Dataset): Record<string, FeatureKind> {
  const kinds: Record<string, FeatureKind> = {};
  for (const name of data.features) {
    kinds[name] = data.rows.every((r) => isMissing(r[name]) || asNumber(r[name]) !== null) ? 'numeric' : 'categorical';
  }
  return kinds;
}

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function fitFeature(name: string, kind: FeatureKind, rows: readonly FeatureRow[]): FeatureEncoding {
  if (kind === 'numeric') {
    return { name, kind, median: median(rows.flatMap((r) => (isMissing(r[name]) ? [] : [asNumber(r[name])!]))) };
  }
  const counts = new Map<string, number>();
  for (const r of rows) if (!isMissing(r[name])) counts.set(String(r[name]).trim(), (counts.get(String(r[name]).trim()) ?? 0) + 1);
  const categories = [...counts.keys()].sort();
  // Most frequent; the first in sorted order on ties, so the choice does not depend on row order.
  let most_frequent = categories[0] ?? '';
  for (const c of categories) if (counts.get(c)! > counts.get(most_frequent)!) most_frequent = c;
  return { name, kind, categories, most_frequent };
}

function rawColumns(features: readonly FeatureEncoding[], row: FeatureRow): number[] {
  const out: number[] = [];
  for (const f of features) {
    const v = row[f.name];
    if (f.kind === 'numeric') {
      if (isMissing(v)) out.push(f.median);
      else {
        const n = asNumber(v ?? null);
        if (n === null) throw new Error(`feature '${f.name}' is numeric, got '${String(v)}'`);
        out.push(n);
      }
    } else {
      const value = isMissing(v) ? f.most_frequent : String(v).trim();
      for (const c of f.categories) out.push(c === value ? 1 : 0);
    }
  }
  return out;
}

export function fitEncoding(kinds: Record<string, FeatureKind>, features: readonly string[], rows: readonly FeatureRow[]): Encoding {
  const encoded = features.map((name) => fitFeature(name, kinds[name], rows));
  const columns = encoded.flatMap((f) => (f.kind === 'numeric' ? [f.name] : f.categories.map((c) => `${f.name}=${c}`)));
  const raw = rows.map((r) => rawColumns(encoded, r));
  const mean = columns.map((_, j) => raw.reduce((s, x) => s + x[j], 0) / Math.max(1, raw.length));
  const std = columns.map((_, j) => {
    const v = raw.reduce((s, x) => s + (x[j] - mean[j]) ** 2, 0) / Math.max(1, raw.length);
    // A constant column carries nothing; dividing by 1 keeps it at 0 instead of NaN.
    return v > 0 ? Math.sqrt(v) : 1;
  });
  return { features: encoded, columns, mean, std };
}

export function encodeRow(enc: Encoding, row: FeatureRow): number[] {
  const raw = rawColumns(enc.features, row);
  return raw.map((x, j) => (x - enc.mean[j]) / enc.std[j]);
}
