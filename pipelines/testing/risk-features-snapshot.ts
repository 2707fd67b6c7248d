// What a run of the risk-features pipeline left behind, in a form two runs can be compared by:
// the output topic (decoded), the warehouse table (FINAL) and the lake files (names and rows read
// back by chDB's file()). computed_at is processing time, the one field allowed to differ,
// so it is left out everywhere.
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expect } from 'vitest';
import type { Environment } from '../../app/environment.ts';
import { readTopic } from '../../engine/index.ts';
import { runCli, type CliOptions } from './cli-process.ts';

export const OUTPUT_TOPIC = 'risk-features';

/** A record as a comparable string: its fields in schema order, computed_at left out. */
export function canonical(record: Record<string, unknown>): string {
  const { computed_at: _ignored, ...rest } = record;
  return JSON.stringify(rest);
}

export interface TopicSnapshot {
  /** Canonical records, sorted: the set a run produced. */
  rows: string[];
  /** `partition/offset canonical-record`, sorted: where each record landed, too. */
  placed: string[];
}

/** Every committed record of the risk-features topic, decoded. */
export async function outputTopicSnapshot(env: Environment): Promise<TopicSnapshot> {
  await env.serde.prepare([OUTPUT_TOPIC]);
  const rows: string[] = [];
  const placed: string[] = [];
  for (const r of await readTopic(env.backend, OUTPUT_TOPIC)) {
    const row = canonical((await env.serde.decodeAsync(OUTPUT_TOPIC, r.value)) as unknown as Record<string, unknown>);
    rows.push(row);
    placed.push(`${r.partition}/${r.offset} ${row}`);
  }
  return { rows: rows.sort(), placed: placed.sort() };
}

/** Rows of `risk_features FINAL` in the data dir's warehouse, through `riskstream query`. */
export async function warehouseSnapshot(dataDir: string, opts: CliOptions = {}): Promise<string[]> {
  const sql = 'SELECT * EXCEPT (computed_at) FROM risk_features FINAL ORDER BY customer_id, window_start';
  const { stdout } = await runCli(dataDir, ['query', '--format', 'json', sql], opts);
  return lines(stdout).sort();
}

export interface LakeSnapshot {
  /** Every visible file under lake/risk_features, relative to it (Parquet or not). */
  files: string[];
  /**
   * Hidden files (a local lake writes `.<pid>-<n>.tmp` and renames it into place; a kill -9 in
   * between leaves one behind). Kept apart: no Parquet reader globbing `*.parquet` sees them.
   */
  hidden: string[];
  /** `file canonical-row` for every row of every Parquet file, read back by chDB's file(). */
  rows: string[];
}

export async function lakeSnapshot(dataDir: string, opts: CliOptions = {}): Promise<LakeSnapshot> {
  const root = join(dataDir, 'lake', 'risk_features');
  const all = listFiles(root)
    .map((f) => relative(root, f))
    .sort();
  const isHidden = (f: string) => f.split('/').some((part) => part.startsWith('.'));
  const files = all.filter((f) => !isHidden(f));
  const hidden = all.filter(isHidden);
  if (files.length === 0) return { files, hidden, rows: [] };
  const sql =
    `SELECT replaceOne(_path, '${root}/', '') AS file, * EXCEPT (computed_at) ` +
    `FROM file('${root}/*/*.parquet', Parquet) ORDER BY file, customer_id, window_start`;
  const { stdout } = await runCli(dataDir, ['query', '--format', 'json', sql], opts);
  const rows = lines(stdout).map((line) => {
    const { file, ...row } = JSON.parse(line) as { file: string } & Record<string, unknown>;
    return `${file} ${JSON.stringify(row)}`;
  });
  return { files, hidden, rows: rows.sort() };
}

/** What a run landed: its output topic, its warehouse table and its lake. */
export interface LandedSnapshot {
  topic: TopicSnapshot;
  warehouse: string[];
  lake: LakeSnapshot;
}

/** The output topic read through `env`; the warehouse and lake of `dataDir` through the CLI (with `opts`). */
export async function landedSnapshot(env: Environment, dataDir: string, opts: CliOptions = {}): Promise<LandedSnapshot> {
  return {
    topic: await outputTopicSnapshot(env),
    warehouse: await warehouseSnapshot(dataDir, opts),
    lake: await lakeSnapshot(dataDir, opts),
  };
}

/** Asserts `actual` holds the same records at the same offsets, warehouse rows and lake files and rows as `expected`. */
export function expectSameLanded(expected: LandedSnapshot, actual: LandedSnapshot): void {
  expect(rowDiff(expected.topic.placed, actual.topic.placed)).toEqual(sameRows(expected.topic.placed.length));
  expect(rowDiff(expected.warehouse, actual.warehouse)).toEqual(sameRows(expected.warehouse.length));
  expect(rowDiff(expected.lake.files, actual.lake.files)).toEqual(sameRows(expected.lake.files.length));
  expect(rowDiff(expected.lake.rows, actual.lake.rows)).toEqual(sameRows(expected.lake.rows.length));
}

/** `partition canonical-record`: the record and where murmur2 put it, without the offset (which transaction markers move). */
export function byPartition(s: TopicSnapshot): string[] {
  return s.placed.map((p) => p.replace(/^(\d+)\/\d+ /, '$1 ')).sort();
}

/** Lake rows without their file names (names carry offsets). */
export function lakeRowsWithoutFile(l: LakeSnapshot): string[] {
  return l.rows.map((r) => r.slice(r.indexOf(' ') + 1)).sort();
}

function listFiles(dir: string): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((e) => (e.isDirectory() ? listFiles(join(dir, e.name)) : [join(dir, e.name)]));
}

function lines(text: string): string[] {
  return text.split('\n').filter((l) => l.trim() !== '');
}

export interface RowDiff {
  expected: number;
  actual: number;
  /** A few rows the expected side has and the actual side lacks (as a multiset). */
  missing: string[];
  /** A few rows the actual side has that the expected side lacks. */
  unexpected: string[];
}

/**
 * Multiset difference of two row lists, small enough to read in a failed assertion. Equal inputs
 * give `{ expected: n, actual: n, missing: [], unexpected: [] }`.
 */
export function rowDiff(expected: readonly string[], actual: readonly string[], sample = 3): RowDiff {
  const counts = new Map<string, number>();
  for (const r of expected) counts.set(r, (counts.get(r) ?? 0) + 1);
  const unexpected: string[] = [];
  for (const r of actual) {
    const n = counts.get(r) ?? 0;
    if (n > 0) counts.set(r, n - 1);
    else unexpected.push(r);
  }
  const missing = [...counts].flatMap(([r, n]) => new Array<string>(n).fill(r));
  return { expected: expected.length, actual: actual.length, missing: missing.slice(0, sample), unexpected: unexpected.slice(0, sample) };
}

/** What rowDiff returns for two equal lists of `n` rows. */
export function sameRows(n: number): RowDiff {
  return { expected: n, actual: n, missing: [], unexpected: [] };
}
