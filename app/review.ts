// Manual review of reconciliation cases (`riskstream review list|resolve`): the open cases read off the
// warehouse, and a person's decision checked there and written as one review-decisions record, through
// the same Avro producer path as the connectors. The reconciliation pipeline closes the case and audits
// it; a decision that races another to the same case is refused there, with an audit record.
import { randomUUID } from 'node:crypto';
import type { LogAdmin, LogProducer } from '../engine/index.ts';
import type { AvroSerde } from '../schemas/serde.ts';
import { DEFAULT_PARTITIONS, TOPICS } from '../schemas/topics.ts';
import type { ReviewDecision, ReviewDecisionName } from '../schemas/types.ts';
import { queryWarehouse } from '../warehouse/query-server.ts';
import { parseJsonEachRow, type QueryFormat } from '../warehouse/warehouse.ts';
import { claimDataDir } from './data-dir.ts';
import type { Settings } from './settings.ts';

export const REVIEW_DECISION_NAMES: readonly ReviewDecisionName[] = ['accept_partner', 'keep_ours', 'write_off'];

const DECISIONS_TOPIC = 'review-decisions';

/** Runs one read-only SQL statement on the warehouse and returns its result as text in `format`. */
export type RunSql = (sql: string, format: QueryFormat) => Promise<string>;

/**
 * SQL on the warehouse the settings name, as `riskstream query` runs it: the ClickHouse server in kafka
 * mode when one is configured, else the data dir's chDB (through a running `run`, which owns it, if any).
 */
export function warehouseSql(settings: Settings): RunSql {
  const target = settings.backend === 'kafka' && settings.clickhouse.url ? settings.clickhouse.url : settings.dataDir;
  if (target === settings.dataDir) claimDataDir(target);
  return (sql, format) => queryWarehouse(target, sql, { format });
}

/** A refusal the user can act on: one line, non-zero exit. */
export class ReviewRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReviewRefusedError';
  }
}

/** A case queued for manual review, with the numbers a reviewer needs. */
export interface OpenCase {
  case_id: string;
  detected_at: string;
  kind: string;
  debtor_id: string;
  partner_id: string;
  tenant_id: string;
  our_balance_cents: number | null;
  reported_balance_cents: number | null;
  diff_cents: number | null;
  our_status: string | null;
  reported_status: string | null;
}

/** A ClickHouse string literal. */
export function sqlString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** Decisions the pipeline has answered (RESOLVED or REFUSED); any other decision on record is on its way. */
const ANSWERED_DECISIONS = `SELECT ifNull(decision_event_id, '') FROM audit_log WHERE step IN ('RESOLVED', 'REFUSED')`;
const PENDING_DECISION_CASES = `SELECT case_id FROM review_decisions WHERE event_id NOT IN (${ANSWERED_DECISIONS})`;

/**
 * Open cases, oldest first: MANUAL_REVIEW results without a RESOLVED step in the audit log and without
 * a decision on its way to the pipeline.
 */
export function openCasesSql(partner?: string): string {
  return `SELECT event_id AS case_id, event_time AS detected_at, kind, debtor_id, partner_id, tenant_id,
  our_balance_cents, reported_balance_cents, diff_cents, our_status, reported_status
FROM reconciliation_results FINAL
WHERE resolution = 'MANUAL_REVIEW'
  AND event_id NOT IN (SELECT case_id FROM audit_log WHERE step = 'RESOLVED')
  AND event_id NOT IN (${PENDING_DECISION_CASES})${partner === undefined ? '' : `\n  AND partner_id = ${sqlString(partner)}`}
ORDER BY event_time, event_id`;
}

/** `riskstream review list`: the open cases in the requested format. */
export async function listOpenCases(runSql: RunSql, opts: { partner?: string; format: QueryFormat }): Promise<string> {
  return withTables(() => runSql(openCasesSql(opts.partner), opts.format));
}

export async function openCases(runSql: RunSql, opts: { partner?: string } = {}): Promise<OpenCase[]> {
  return parseJsonEachRow<OpenCase>(await listOpenCases(runSql, { ...opts, format: 'json' }));
}

/** The decision of that name, or a one-line refusal naming the ones there are. */
export function decisionNamed(name: string): ReviewDecisionName {
  const found = REVIEW_DECISION_NAMES.find((d) => d === name);
  if (!found) throw new ReviewRefusedError(`review resolve: no decision '${name}' (decisions: ${REVIEW_DECISION_NAMES.join(', ')})`);
  return found;
}

export interface ResolveRequest {
  caseId: string;
  decision: string;
  by: string;
  reason: string;
  /** When the person decided (epoch ms); default now. */
  decidedAt?: number;
}

/**
 * The review-decisions record for a request, once the warehouse shows the case exists, went to manual
 * review and is still open; a one-line ReviewRefusedError otherwise.
 */
export async function reviewDecisionFor(runSql: RunSql, req: ResolveRequest): Promise<ReviewDecision> {
  const decision = decisionNamed(req.decision);
  if (req.by.trim() === '') throw new ReviewRefusedError('review resolve: --by needs the name of who decides');
  if (req.reason.trim() === '') throw new ReviewRefusedError('review resolve: --reason needs a reason');
  const id = sqlString(req.caseId);
  const rows = async <T>(sql: string) => parseJsonEachRow<T>(await withTables(() => runSql(sql, 'json')));

  const [found] = await rows<{ debtor_id: string; tenant_id: string; resolution: string; rule: string | null; event_time_ms: number }>(
    `SELECT debtor_id, tenant_id, resolution, rule, toUnixTimestamp64Milli(event_time) AS event_time_ms
  FROM reconciliation_results FINAL WHERE event_id = ${id} LIMIT 1`,
  );
  if (!found) throw new ReviewRefusedError(`review resolve: no case ${req.caseId} (riskstream review list shows the open ones)`);
  if (found.resolution !== 'MANUAL_REVIEW') {
    const how = found.resolution === 'AUTO_RESOLVED' ? `auto-resolved by rule ${found.rule}` : 'a match';
    throw new ReviewRefusedError(`review resolve: case ${req.caseId} is ${how}, not up for review`);
  }
  const [resolved] = await rows<{ actor: string; decision: string | null; event_time: string }>(
    `SELECT actor, decision, event_time FROM audit_log FINAL WHERE case_id = ${id} AND step = 'RESOLVED' ORDER BY event_time LIMIT 1`,
  );
  if (resolved)
    throw new ReviewRefusedError(
      `review resolve: case ${req.caseId} is already closed: ${resolved.decision ?? 'resolved'} by ${resolved.actor} at ${resolved.event_time}`,
    );
  const [pending] = await rows<{ decided_by: string; decision: string; decided_at: string }>(
    `SELECT decided_by, decision, decided_at FROM review_decisions FINAL
  WHERE case_id = ${id} AND event_id NOT IN (${ANSWERED_DECISIONS}) ORDER BY decided_at LIMIT 1`,
  );
  if (pending)
    throw new ReviewRefusedError(
      `review resolve: case ${req.caseId} already has a decision on its way to the reconciliation pipeline: ${pending.decision} by ${pending.decided_by} at ${pending.decided_at}`,
    );
  return {
    event_id: `review-${randomUUID()}`,
    tenant_id: found.tenant_id,
    // The case's time, not the wall clock: a decision taken today must not move the reconciliation
    // pipeline's stream time (its timers and book history) past the book's records.
    event_time: Number(found.event_time_ms),
    debtor_id: found.debtor_id,
    case_id: req.caseId,
    decision,
    decided_by: req.by.trim(),
    decided_at: req.decidedAt ?? Date.now(),
    reason: req.reason.trim(),
  };
}

/** Writes one review-decisions record (Avro, keyed by debtor_id), creating the topic when it is missing. */
export async function produceReviewDecision(
  log: { producer: LogProducer; admin: LogAdmin },
  serde: AvroSerde,
  record: ReviewDecision,
): Promise<void> {
  if ((await log.admin.partitionCount(DECISIONS_TOPIC)) === undefined)
    await log.admin.createTopics([{ name: DECISIONS_TOPIC, partitions: DEFAULT_PARTITIONS }]);
  await serde.prepare([DECISIONS_TOPIC]);
  const key = String(record[TOPICS[DECISIONS_TOPIC].keyField]);
  await log.producer.send([
    { topic: DECISIONS_TOPIC, key: Buffer.from(key, 'utf8'), value: serde.encode(DECISIONS_TOPIC, record), timestamp: record.event_time },
  ]);
}

/** A warehouse without the reconciliation tables yet gets a line saying what to do. */
async function withTables<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    const message = (err as Error).message;
    if (/UNKNOWN_TABLE|doesn't exist|does not exist|Unknown table/i.test(message))
      throw new ReviewRefusedError('review: the warehouse holds no reconciliation results yet (riskstream run reconciliation first)');
    throw err;
  }
}
