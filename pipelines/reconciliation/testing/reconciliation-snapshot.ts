// What a run of the reconciliation pipeline left behind, in a form two runs can be compared by: its
// two output topics (decoded, with where each record landed), their warehouse tables (FINAL) and
// their lake files (names and rows read back by chDB's file()). Plus the data a crash, replay or
// review test feeds it: a generated book and review decisions on some of its open cases.
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { openEnvironment } from '../../../app/environment.ts';
import { resolveSettings } from '../../../app/settings.ts';
import { readTopic } from '../../../engine/index.ts';
import { reconciliationGroundTruthOf } from '../../../connectors/sources/generator/generator.ts';
import type { ReviewDecision, TopicName } from '../../../schemas/types.ts';
import { runCli } from '../../testing/cli-process.ts';
import { DEFAULT_RECONCILIATION_OPTIONS } from '../options.ts';
import { referenceReconciliation } from './reference-reconciliation.ts';
import { produceReconciliationInputs } from './run-reconciliation.ts';

const OUTPUTS: readonly TopicName[] = ['reconciliation-results', 'audit-log'];
const TABLES = ['reconciliation_results', 'audit_log'] as const;

export interface ReconciliationSnapshot {
  /** `topic partition/offset record`, sorted. */
  placed: string[];
  /** `table row` of each table FINAL, sorted. */
  warehouse: string[];
  /** Lake files per table, sorted. */
  lakeFiles: string[];
  /** `file row`, sorted. */
  lakeRows: string[];
}

export async function reconciliationSnapshot(dataDir: string): Promise<ReconciliationSnapshot> {
  const env = await openEnvironment(resolveSettings({ dataDir, backend: 'embedded' }));
  const placed: string[] = [];
  try {
    await env.serde.prepare(OUTPUTS);
    for (const topic of OUTPUTS)
      for (const r of await readTopic(env.backend, topic))
        placed.push(`${topic} ${r.partition}/${r.offset} ${JSON.stringify(await env.serde.decodeAsync(topic, r.value))}`);
  } finally {
    await env.close();
  }
  const warehouse: string[] = [];
  const lakeFiles: string[] = [];
  const lakeRows: string[] = [];
  for (const table of TABLES) {
    for (const row of await query(dataDir, `SELECT * FROM ${table} FINAL ORDER BY event_id`)) warehouse.push(`${table} ${row}`);
    const root = join(dataDir, 'lake', table);
    const files = listFiles(root)
      .map((f) => relative(root, f))
      .filter((f) => !f.split('/').some((part) => part.startsWith('.')));
    lakeFiles.push(...files.map((f) => `${table}/${f}`));
    if (files.length > 0)
      for (const row of await query(
        dataDir,
        `SELECT replaceOne(_path, '${root}/', '') AS file, * FROM file('${root}/*/*.parquet', Parquet)`,
      ))
        lakeRows.push(`${table} ${row}`);
  }
  return { placed: placed.sort(), warehouse: warehouse.sort(), lakeFiles: lakeFiles.sort(), lakeRows: lakeRows.sort() };
}

export async function query(dataDir: string, sql: string): Promise<string[]> {
  const { stdout } = await runCli(dataDir, ['query', '--format', 'json', sql]);
  return stdout.split('\n').filter((l) => l.trim() !== '');
}

function listFiles(dir: string): string[] {
  try {
    return readdirSync(dir, { recursive: true })
      .map(String)
      .filter((f) => f.endsWith('.parquet'))
      .map((f) => join(dir, f));
  } catch {
    return [];
  }
}

/**
 * Two decisions on each of the first `cases` cases the book queues for review: the first resolves it,
 * the second (by someone else, a minute later) must be refused. Dated, as `review resolve` dates them,
 * at the case's event_time; decided a day after it.
 */
export function decisionsOnBook(book: { events: number; seed: number }, cases: number): ReviewDecision[] {
  const truth = reconciliationGroundTruthOf(book);
  const review = referenceReconciliation(truth.records, DEFAULT_RECONCILIATION_OPTIONS)
    .results.filter((r) => r.resolution === 'MANUAL_REVIEW')
    .slice(0, cases);
  return review.flatMap((r, i) =>
    (['alice', 'bob'] as const).map((by, k) => ({
      event_id: `decision-${i}-${by}`,
      tenant_id: r.tenant_id,
      event_time: r.event_time,
      decided_at: r.event_time + 86_400_000 + k * 60_000,
      debtor_id: r.debtor_id,
      case_id: r.event_id,
      decision: k === 0 ? ('accept_partner' as const) : ('keep_ours' as const),
      decided_by: by,
      reason: `looked at ${r.event_id}`,
    })),
  );
}

/** Adds review decisions to a data dir's review-decisions topic (no run may hold the data dir). */
export async function addDecisions(dataDir: string, decisions: readonly ReviewDecision[]): Promise<void> {
  const env = await openEnvironment(resolveSettings({ dataDir, backend: 'embedded' }));
  try {
    await produceReconciliationInputs(env, { decisions });
  } finally {
    await env.close();
  }
}
