// What a run left behind: records per topic, rows per warehouse table, files in the lake, and the
// reconciliation results per kind and resolution.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DEAD_LETTERS_TABLE } from '../connectors/sinks/clickhouse-sink.ts';
import { ALL_TOPICS, isTopicName, tableOf } from '../schemas/topics.ts';
import type { Warehouse } from '../warehouse/warehouse.ts';
import type { Environment } from './environment.ts';

export interface RunSummary {
  /** The application's topics with their dead-letter and late topics. */
  topics: { topic: string; records: number }[];
  /** Dead letters of the engine's internal topics (repartition); only those holding records. */
  internalDeadLetters: { topic: string; records: number }[];
  tables: { table: string; rows: number }[];
  lakeFiles: number;
  /** reconciliation_results FINAL per kind and resolution (empty without a warehouse or results). */
  reconciliation: { kind: string; resolution: string; results: number }[];
  /** The collection worklist in the warehouse, once debtor-priority has landed rows. */
  worklist?: WorklistSummary;
}

export interface WorklistSummary {
  /** Debtors whose latest row is on the worklist, and those whose latest row is off it. */
  on: number;
  off: number;
  /** The top 5 of the `collection_worklist` view, as a text table. */
  top: string;
}

const WORKLIST_COUNTS_SQL = `SELECT countIf(on_worklist) AS on, countIf(NOT on_worklist) AS off
FROM (SELECT on_worklist FROM collection_priorities ORDER BY debtor_id ASC, event_time DESC, event_id DESC LIMIT 1 BY debtor_id)`;

export const WORKLIST_TOP_SQL =
  'SELECT debtor_id, partner_id, debt_amount_cents, days_past_due, status, round(default_probability, 3) AS pd, round(priority_score, 2) AS priority_score FROM collection_worklist LIMIT 5';

const RECONCILIATION_COUNTS_SQL =
  'SELECT kind, resolution, count() AS results FROM reconciliation_results FINAL GROUP BY kind, resolution ORDER BY kind, resolution';

/** `transactions.dlq` and `risk-features.late` belong to `transactions` and `risk-features`. */
function ownerTopicOf(topic: string): string {
  return topic.replace(/\.(dlq|late)$/, '');
}

export async function summarize(env: Pick<Environment, 'backend' | 'lakeRoot'>, warehouse: Warehouse | undefined): Promise<RunSummary> {
  const admin = env.backend.admin();
  const topics: RunSummary['topics'] = [];
  const internalDeadLetters: RunSummary['internalDeadLetters'] = [];
  try {
    for (const t of (await admin.listTopics()).sort((a, b) => a.name.localeCompare(b.name))) {
      const records = t.endOffsets.reduce((a, b) => a + b, 0);
      if (isTopicName(ownerTopicOf(t.name))) topics.push({ topic: t.name, records });
      else if (t.name.endsWith('.dlq') && records > 0) internalDeadLetters.push({ topic: t.name, records });
    }
  } finally {
    await admin.close();
  }
  const tables: RunSummary['tables'] = [];
  if (warehouse) {
    for (const table of [...ALL_TOPICS.map(tableOf), DEAD_LETTERS_TABLE]) {
      const [row] = await warehouse.rows<{ n: number }>(`SELECT count() AS n FROM ${table} FINAL`);
      tables.push({ table, rows: Number(row?.n ?? 0) });
    }
  }
  const reconciliation = warehouse
    ? (await warehouse.rows<{ kind: string; resolution: string; results: number | string }>(RECONCILIATION_COUNTS_SQL)).map((r) => ({
        ...r,
        results: Number(r.results),
      }))
    : [];
  const worklist =
    warehouse && tables.some((t) => t.table === 'collection_priorities' && t.rows > 0) ? await worklistOf(warehouse) : undefined;
  return {
    topics,
    internalDeadLetters,
    tables,
    reconciliation,
    lakeFiles: env.lakeRoot.startsWith('s3://') ? -1 : countFiles(env.lakeRoot, '.parquet'),
    worklist,
  };
}

async function worklistOf(warehouse: Warehouse): Promise<WorklistSummary> {
  const [counts] = await warehouse.rows<{ on: number | string; off: number | string }>(WORKLIST_COUNTS_SQL);
  const top = await warehouse.query(WORKLIST_TOP_SQL, { format: 'table' });
  return { on: Number(counts?.on ?? 0), off: Number(counts?.off ?? 0), top: top.trimEnd() };
}

function countFiles(dir: string, suffix: string): number {
  let n = 0;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return 0;
  }
  for (const name of names) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) n += countFiles(p, suffix);
    else if (name.endsWith(suffix)) n++;
  }
  return n;
}

export function formatSummary(s: RunSummary): string {
  const lines = ['topic records:'];
  for (const t of s.topics) lines.push(`  ${t.topic.padEnd(30)} ${t.records}`);
  if (s.internalDeadLetters.length > 0) {
    lines.push("dead letters of riskstream's internal topics (riskstream dlq show <topic>):");
    for (const t of s.internalDeadLetters) lines.push(`  ${t.topic} ${t.records}`);
  }
  if (s.tables.length > 0) {
    lines.push('warehouse rows (FINAL):');
    for (const t of s.tables) lines.push(`  ${t.table.padEnd(30)} ${t.rows}`);
  }
  if (s.lakeFiles >= 0) lines.push(`lake: ${s.lakeFiles} Parquet files`);
  if (s.reconciliation.length > 0) {
    lines.push('reconciliation results (kind, resolution):');
    for (const r of s.reconciliation) lines.push(`  ${r.kind.padEnd(20)} ${r.resolution.padEnd(16)} ${r.results}`);
  }
  if (s.worklist) {
    lines.push(`collection worklist: ${s.worklist.on} debtors on it, ${s.worklist.off} off it (settled or written off); top 5:`);
    lines.push(s.worklist.top);
  }
  return lines.join('\n');
}
