// Test harness of the reconciliation pipeline: produces debtors, partner records and review decisions
// onto an environment's log, runs the pipeline (without sinks) until idle, and reads its two outputs
// back decoded, partition by partition; plus the oracle run with the same partitioning, so a test
// compares the pipeline with referenceReconciliation task by task.
import { PIPELINES } from '../../../app/catalog.ts';
import type { Environment } from '../../../app/environment.ts';
import { startPipelines } from '../../../app/run-pipelines.ts';
import { readTopic, type ProduceRecord } from '../../../engine/index.ts';
import { DEFAULT_PARTITIONS } from '../../../schemas/topics.ts';
import type { AuditRecord, Debtor, PartnerRecord, ReconciliationResult, ReviewDecision, TopicName } from '../../../schemas/types.ts';
import type { ReconciliationOptions } from '../options.ts';
import { referenceReconciliation, type ReferenceOutput } from './reference-reconciliation.ts';

export const RECONCILIATION = PIPELINES.reconciliation;

export interface ReconciliationInputs {
  debtors?: readonly Debtor[];
  partnerRecords?: readonly PartnerRecord[];
  decisions?: readonly ReviewDecision[];
}

/**
 * Creates the inputs (if missing, with `partitions`: 1 puts every debtor in one task) and produces the
 * records, keyed by debtor_id, in the given order.
 */
export async function produceReconciliationInputs(
  env: Environment,
  inputs: ReconciliationInputs,
  partitions = DEFAULT_PARTITIONS,
): Promise<void> {
  const topics: TopicName[] = ['debtors', 'partner-records', 'review-decisions'];
  const admin = env.backend.admin();
  try {
    const missing = [];
    for (const t of topics) if ((await admin.partitionCount(t)) === undefined) missing.push(t);
    if (missing.length > 0) await admin.createTopics(missing.map((name) => ({ name, partitions })));
  } finally {
    await admin.close();
  }
  await env.serde.prepare(topics);
  const batch: ProduceRecord[] = [];
  const add = (topic: TopicName, r: { debtor_id: string; event_time: number }) =>
    batch.push({ topic, key: Buffer.from(r.debtor_id, 'utf8'), value: env.serde.encode(topic, r as never), timestamp: r.event_time });
  for (const d of inputs.debtors ?? []) add('debtors', d);
  for (const p of inputs.partnerRecords ?? []) add('partner-records', p);
  for (const d of inputs.decisions ?? []) add('review-decisions', d);
  const producer = await env.backend.producer();
  try {
    for (let i = 0; i < batch.length; i += 1000) await producer.send(batch.slice(i, i + 1000));
  } finally {
    await producer.close();
  }
}

/** Produces a raw value (a poison record, say) onto a topic. */
export async function produceRaw(env: Environment, topic: string, key: string, value: Buffer, timestamp: number): Promise<void> {
  const producer = await env.backend.producer();
  try {
    await producer.send([{ topic, key: Buffer.from(key, 'utf8'), value, timestamp }]);
  } finally {
    await producer.close();
  }
}

/** Runs the reconciliation pipeline without sinks until every input is consumed and committed. */
export async function runReconciliationUntilIdle(env: Environment): Promise<void> {
  const running = await startPipelines(env, { pipelines: [RECONCILIATION], withSinks: false });
  try {
    await running.untilIdle();
  } finally {
    await running.stop();
  }
}

export interface Decoded<T> {
  partition: number;
  value: T;
}

/** A topic's records decoded, partition by partition in offset order. */
export async function readDecoded<T>(env: Environment, topic: TopicName): Promise<Decoded<T>[]> {
  const admin = env.backend.admin();
  try {
    if ((await admin.partitionCount(topic)) === undefined) return [];
  } finally {
    await admin.close();
  }
  await env.serde.prepare([topic]);
  const out: Decoded<T>[] = [];
  for (const r of await readTopic(env.backend, topic)) {
    if (r.value === null) continue;
    out.push({ partition: r.partition, value: (await env.serde.decodeAsync(topic, r.value)) as T });
  }
  return out;
}

export interface ReconciliationOutputs {
  results: ReconciliationResult[];
  audit: AuditRecord[];
  /** debtor_id -> the partition (task) its results went to. */
  partitionOf: Map<string, number>;
}

export async function readReconciliationOutputs(env: Environment): Promise<ReconciliationOutputs> {
  const results = await readDecoded<ReconciliationResult>(env, 'reconciliation-results');
  const audit = await readDecoded<AuditRecord>(env, 'audit-log');
  const partitionOf = new Map<string, number>();
  for (const r of [...results, ...audit]) partitionOf.set(r.value.debtor_id, r.partition);
  return { results: results.map((r) => r.value), audit: audit.map((r) => r.value), partitionOf };
}

/** The partition of each debtor_id as the log placed its input records. */
export async function inputPartitions(env: Environment): Promise<Map<string, number>> {
  const m = new Map<string, number>();
  for (const topic of ['debtors', 'partner-records'] as const)
    for (const r of await readTopic(env.backend, topic)) m.set(r.key!.toString('utf8'), r.partition);
  return m;
}

/** The oracle's results for the records on the log, with the log's partitioning as its tasks. */
export async function oracleOnLog(
  env: Environment,
  records: { debtors: readonly Debtor[]; partnerRecords: readonly PartnerRecord[] },
  options: ReconciliationOptions,
): Promise<ReferenceOutput> {
  const partitions = await inputPartitions(env);
  return referenceReconciliation(records, { ...options, taskOf: (id) => partitions.get(id)! });
}
