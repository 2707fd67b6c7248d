// `riskstream replay`: rewinds a pipeline so that its next run recomputes from a point in time and
// leaves the warehouse and the lake as a single clean run would have.
//
// From time T the pipeline must rebuild every window still open at T, so its streams are re-read
// from R = T - lookback (window size + grace) and its tables from the earliest offset (as-of joins
// need all history); its state is dropped (local copies and changelogs). Windows starting before R
// were emitted complete before the replay: the floor file tells the next runs not to emit them again.
// Each output partition is cut back to its records of windows before R (the task emits in window
// order, so they are a prefix). A recomputation need not emit the records it replaces one for one
// (debtor-priority numbers a debtor's records by arrival, and may emit fewer): the warehouse rows and
// lake files of the outputs are deleted, and the sinks land the outputs again from offset 0, so the
// warehouse and the lake hold exactly what the topics hold, as after a single clean run. Pipelines
// that read an output and had read past its cut are set back to it: they read the recomputed
// records, once.
//
// None of this may happen under a running pipeline or sink (it would commit over the rewind, or
// write into topics being cut): the replay leases their consumer groups idle for its whole duration
// and refuses, with nothing changed, when one has a member.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ClickHouseSink } from '../connectors/sinks/clickhouse-sink.ts';
import { ParquetLakeSink } from '../connectors/sinks/parquet-lake-sink.ts';
import { sinkGroupId } from '../connectors/sinks/sink-runner.ts';
import { tableOf } from '../schemas/topics.ts';
import type { TopicName } from '../schemas/types.ts';
import type { Warehouse } from '../warehouse/warehouse.ts';
import { inputsOf, PIPELINES, type PipelineDefinition } from './catalog.ts';
import type { Environment } from './environment.ts';
import {
  GroupActiveError,
  type IdleGroupsLease,
  type LogAdmin,
  type LogRecord,
  type TopicPartitionOffset,
  logger,
} from '../engine/index.ts';

export type ReplayPoint = 'earliest' | number;

export interface ReplaySummary {
  pipeline: string;
  from: string;
  /** Streams re-read from here (UTC ms); windows starting earlier are not emitted again. */
  rewindTo: number;
  inputOffsets: TopicPartitionOffset[];
  outputRecordsKept: number;
  outputRecordsDropped: number;
  changelogsDropped: string[];
  /** Per output: its warehouse rows and lake files, deleted (the sinks land the topic again from offset 0). */
  landedDeleted: LandedDeletion[];
  /** Pipelines reading an output that had read past its cut, set back to it. */
  downstreamRewound: DownstreamRewind[];
}

export interface LandedDeletion {
  topic: TopicName;
  table: string;
  warehouseRows: number;
  lakeFiles: number;
}

export interface DownstreamRewind {
  pipeline: string;
  /** The partitions set back, at their new offsets (the cut). */
  offsets: TopicPartitionOffset[];
}

export class ReplayError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReplayError';
  }
}

/** The sink groups that land a pipeline's outputs; rewound with the outputs. */
export const SINK_NAMES = [ClickHouseSink.sinkName, ParquetLakeSink.sinkName];

export function parseReplayPoint(text: string): ReplayPoint {
  if (text === 'earliest') return 'earliest';
  const t = Date.parse(text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(t))
    throw new ReplayError(`--from must be 'earliest' or an ISO-8601 time, got '${text}'`);
  return t;
}

function floorPath(dataDir: string, pipeline: string): string {
  return join(dataDir, 'pipelines', pipeline, 'replay.json');
}

export function readReplayFloor(dataDir: string, pipeline: string): number | undefined {
  try {
    const parsed = JSON.parse(readFileSync(floorPath(dataDir, pipeline), 'utf8')) as { emitWindowsFrom?: number };
    return parsed.emitWindowsFrom;
  } catch {
    return undefined;
  }
}

/** Pipelines that read one of the outputs of `def`. */
function downstreamOf(def: PipelineDefinition): PipelineDefinition[] {
  return Object.values(PIPELINES).filter((d) => d !== def && inputsOf(d).some((t) => def.outputs.includes(t)));
}

/** What the replay reads or moves through a group: the application's, its sinks' and its readers'. */
function groupsOf(def: PipelineDefinition): string[] {
  return [def.applicationId, ...SINK_NAMES.map(sinkGroupId), ...downstreamOf(def).map((d) => d.applicationId)];
}

/**
 * Rewinds the pipeline; refuses (ReplayError, nothing changed) while the pipeline or its sinks run.
 * Everything that can refuse runs before the first change: the groups are leased idle, and every
 * cut is read and planned, before a topic, a file or an offset is touched.
 */
export async function replayPipeline(env: Environment, def: PipelineDefinition, point: ReplayPoint): Promise<ReplaySummary> {
  if (point !== 'earliest' && def.replayFromEarliestOnly !== undefined)
    throw new ReplayError(`${def.name} replays from earliest only (${def.replayFromEarliestOnly}): use --from earliest`);
  const rewindTo = point === 'earliest' ? 0 : Math.max(0, point - def.replayLookbackMs);
  let lease: IdleGroupsLease;
  try {
    lease = await env.backend.leaseIdleGroups(groupsOf(def));
  } catch (err) {
    if (err instanceof GroupActiveError) throw new ReplayError(`cannot replay ${def.name} while it runs: ${err.message}; stop it first`);
    throw err;
  }
  let warehouse: Warehouse | undefined;
  try {
    // Opened before any change: a warehouse another process owns refuses here, with nothing changed.
    warehouse = await env.openWarehouse();
    const plan = await planReplay(env, def, rewindTo, warehouse);
    try {
      await applyReplay(env, def, plan, lease, warehouse);
    } catch (err) {
      // Kafka only: the broker cannot keep a member out for the replay's whole duration.
      if (err instanceof GroupActiveError)
        throw new ReplayError(`replay of ${def.name} stopped half done: ${err.message}; stop it and run the replay again`);
      throw err;
    }
    mkdirSync(join(env.settings.dataDir, 'pipelines', def.name), { recursive: true });
    writeFileSync(
      floorPath(env.settings.dataDir, def.name),
      JSON.stringify({ emitWindowsFrom: rewindTo, from: String(point), at: new Date().toISOString() }) + '\n',
    );
    logger.info(
      {
        pipeline: def.name,
        rewindTo,
        kept: plan.kept,
        dropped: plan.dropped,
        lateDropped: plan.lateDropped,
        landedDeleted: plan.landed,
        downstreamRewound: plan.downstream.map((d) => d.pipeline),
      },
      'pipeline rewound',
    );
    return {
      pipeline: def.name,
      from: point === 'earliest' ? 'earliest' : new Date(point).toISOString(),
      rewindTo,
      inputOffsets: plan.inputOffsets,
      outputRecordsKept: plan.kept,
      outputRecordsDropped: plan.dropped,
      changelogsDropped: plan.internal,
      landedDeleted: plan.landed,
      downstreamRewound: plan.downstream,
    };
  } finally {
    await warehouse?.close();
    await lease.release();
  }
}

/** A topic to delete and write again with only `keep`, at the same partitions. */
interface TopicRewrite {
  topic: string;
  partitions: number;
  keep: LogRecord[];
}

/** Everything a replay changes, worked out from reads alone. */
interface ReplayPlan {
  inputOffsets: TopicPartitionOffset[];
  /** Changelog (and any internal) topics of the application, dropped with the state. */
  internal: string[];
  rewrites: TopicRewrite[];
  /** Where the sinks resume on the outputs: offset 0. */
  sinkOffsets: TopicPartitionOffset[];
  /** The outputs' warehouse rows and lake files, to delete. */
  landed: LandedDeletion[];
  lakeFiles: string[];
  downstream: DownstreamRewind[];
  kept: number;
  dropped: number;
  lateDropped: number;
}

async function planReplay(env: Environment, def: PipelineDefinition, rewindTo: number, warehouse: Warehouse): Promise<ReplayPlan> {
  const admin = env.backend.admin();
  try {
    // Input offsets: streams from the rewind point, tables from the beginning.
    const inputOffsets: TopicPartitionOffset[] = [];
    for (const topic of inputsOf(def)) {
      const partitions = await admin.partitionCount(topic);
      if (partitions === undefined) continue;
      const offsets =
        def.tableInputs.includes(topic) || rewindTo === 0
          ? new Array<number>(partitions).fill(0)
          : await admin.offsetsForTimestamp(topic, rewindTo);
      offsets.forEach((offset, partition) => inputOffsets.push({ topic, partition, offset }));
    }
    const internal = (await admin.listTopics()).map((t) => t.name).filter((n) => n.startsWith(`${def.applicationId}-`));
    await refuseTrimmedOutputs(admin, def.outputs);
    // Outputs: keep each partition's prefix of windows before the rewind point.
    const rewrites: TopicRewrite[] = [];
    const sinkOffsets: TopicPartitionOffset[] = [];
    const cutOffsets: TopicPartitionOffset[] = [];
    let kept = 0;
    let dropped = 0;
    for (const topic of def.outputs) {
      const cut = await planOutputCut(env, topic, rewindTo);
      kept += cut.kept;
      dropped += cut.dropped;
      cutOffsets.push(...cut.offsets);
      sinkOffsets.push(...cut.offsets.map((o) => ({ ...o, offset: 0 })));
      if (cut.rewrite !== undefined) rewrites.push(cut.rewrite);
    }
    // Every output is landed again whole, cut or not: a replay stopped half done and run again finds
    // nothing left to cut, yet must still clear what was landed. (On Kafka, besides, transaction
    // markers take offsets of their own: neither the kept prefix nor the recomputed records sit at
    // the offsets the old lake file names carry.)
    const landed: LandedDeletion[] = [];
    const lakeFiles: string[] = [];
    for (const topic of def.outputs) {
      const table = tableOf(topic);
      const [{ n }] = await warehouse.rows<{ n: number }>(`SELECT count() AS n FROM ${table}`);
      const files = await lakeFilesOf(env, [topic]);
      lakeFiles.push(...files);
      landed.push({ topic, table, warehouseRows: Number(n), lakeFiles: files.length });
    }
    const downstream = await planDownstreamRewinds(env, def, cutOffsets);
    // Late records of the input records about to be re-read: the next run sends them again.
    const rereadFrom = new Map(inputOffsets.map((o) => [`${o.topic}/${o.partition}`, o.offset]));
    let lateDropped = 0;
    for (const late of def.lateTopics) {
      const cut = await planLateCut(env, late, rereadFrom);
      if (cut === undefined) continue;
      lateDropped += cut.dropped;
      rewrites.push(cut.rewrite);
    }
    return { inputOffsets, internal, rewrites, sinkOffsets, landed, lakeFiles, downstream, kept, dropped, lateDropped };
  } finally {
    await admin.close();
  }
}

/**
 * The replay deletes what the sinks landed of each output and lands the output again from its first
 * record: an output whose older records retention already removed would lose their warehouse rows
 * and lake files for good, so such a replay is refused before anything changes.
 */
async function refuseTrimmedOutputs(admin: LogAdmin, outputs: readonly TopicName[]): Promise<void> {
  for (const topic of outputs) {
    if ((await admin.partitionCount(topic)) === undefined) continue;
    const starts = await admin.startOffsets(topic);
    const trimmed = starts.findIndex((offset) => offset > 0);
    if (trimmed >= 0) {
      throw new ReplayError(
        `${topic} partition ${trimmed} starts at offset ${starts[trimmed]} (older records removed by retention): ` +
          `the replay lands its outputs again from their first record and would lose the warehouse rows and lake files of the removed ones; nothing changed`,
      );
    }
  }
}

/** Carries out the plan; before each change, checks the groups are still idle (Kafka). */
async function applyReplay(
  env: Environment,
  def: PipelineDefinition,
  plan: ReplayPlan,
  lease: IdleGroupsLease,
  warehouse: Warehouse,
): Promise<void> {
  const admin = env.backend.admin();
  try {
    // State: local copies and changelog (and any internal) topics of the application.
    await lease.verify();
    if (plan.internal.length > 0) await admin.deleteTopics(plan.internal);
    rmSync(join(env.stateDir, def.applicationId), { recursive: true, force: true });
    for (const rewrite of plan.rewrites) {
      await lease.verify();
      await rewriteTopic(env, rewrite);
    }
    await lease.verify();
    await admin.setCommittedOffsets(def.applicationId, plan.inputOffsets);
    for (const d of plan.downstream) {
      await lease.verify();
      await admin.setCommittedOffsets(PIPELINES[d.pipeline].applicationId, d.offsets);
    }
    // The sinks are idle (leased): whatever they had inserted or written is deleted here, whatever
    // they had buffered died with them, and both land the outputs again from offset 0.
    for (const { table, warehouseRows } of plan.landed) {
      await lease.verify();
      await warehouse.query(`TRUNCATE TABLE ${table}`, { format: 'json', write: true });
      logger.info({ table, rows: warehouseRows }, 'warehouse rows of an output deleted (landed again from its start)');
    }
    if (plan.lakeFiles.length > 0) {
      await lease.verify();
      await deleteLakeFiles(env, plan.lakeFiles);
    }
    if (plan.sinkOffsets.length > 0) {
      for (const sink of SINK_NAMES) {
        await lease.verify();
        await admin.setCommittedOffsets(sinkGroupId(sink), plan.sinkOffsets);
      }
    }
  } finally {
    await admin.close();
  }
}

/**
 * Reads an output topic and keeps only its records of windows starting before `rewindTo` (a prefix
 * of each partition). Returns where each partition will end, and the rewrite when anything goes.
 */
async function planOutputCut(
  env: Environment,
  topic: TopicName,
  rewindTo: number,
): Promise<{ kept: number; dropped: number; offsets: TopicPartitionOffset[]; rewrite?: TopicRewrite }> {
  const admin = env.backend.admin();
  const reader = await env.backend.partitionReader();
  try {
    const partitions = await admin.partitionCount(topic);
    if (partitions === undefined) return { kept: 0, dropped: 0, offsets: [] };
    await env.serde.prepare([topic]);
    const ends = await admin.endOffsets(topic);
    const keep: LogRecord[][] = [];
    let dropped = 0;
    for (let p = 0; p < partitions; p++) {
      const records: LogRecord[] = [];
      let inPrefix = rewindTo > 0;
      let total = 0;
      for await (const batch of reader.read({ topic, partition: p }, 0, ends[p])) {
        for (const r of batch) {
          total++;
          if (!inPrefix) continue;
          // A record of no window (debtor-priority's) is recomputed from its table inputs, read from the beginning.
          const start = ((await env.serde.decodeAsync(topic, r.value)) as { window_start?: number }).window_start;
          if (start !== undefined && start < rewindTo) records.push(r);
          else inPrefix = false;
        }
      }
      dropped += total - records.length;
      keep.push(records);
    }
    if (dropped === 0)
      return { kept: ends.reduce((a, b) => a + b, 0), dropped, offsets: ends.map((offset, partition) => ({ topic, partition, offset })) };
    return {
      kept: keep.reduce((a, k) => a + k.length, 0),
      dropped,
      offsets: keep.map((k, partition) => ({ topic, partition, offset: k.length })),
      rewrite: { topic, partitions, keep: keep.flat() },
    };
  } finally {
    await reader.close();
    await admin.close();
  }
}

/**
 * Pipelines reading a cut output whose committed offset lies past the cut: set back to the cut, so
 * they read the recomputed records once (an offset past the end would read the topic again from 0).
 */
async function planDownstreamRewinds(
  env: Environment,
  def: PipelineDefinition,
  cutOffsets: TopicPartitionOffset[],
): Promise<DownstreamRewind[]> {
  const admin = env.backend.admin();
  try {
    const out: DownstreamRewind[] = [];
    for (const reader of downstreamOf(def)) {
      const offsets: TopicPartitionOffset[] = [];
      for (const topic of new Set(cutOffsets.map((o) => o.topic))) {
        if (!inputsOf(reader).includes(topic as TopicName)) continue;
        const committed = await admin.committedOffsets(reader.applicationId, topic);
        for (const cut of cutOffsets.filter((o) => o.topic === topic)) {
          const c = committed[cut.partition];
          if (c !== null && c !== undefined && c > cut.offset) offsets.push(cut);
        }
      }
      if (offsets.length > 0) out.push({ pipeline: reader.name, offsets });
    }
    return out;
  } finally {
    await admin.close();
  }
}

/** The lake files of the outputs. */
async function lakeFilesOf(env: Environment, outputs: readonly TopicName[]): Promise<string[]> {
  const store = env.lakeStore();
  try {
    const keys: string[] = [];
    for (const topic of outputs) {
      // A local store lists one directory level (dt=... folders), S3 every key under the prefix.
      for (const entry of await store.list(`${tableOf(topic)}/`)) {
        for (const key of entry.endsWith('.parquet') ? [entry] : await store.list(`${entry}/`)) {
          if (key.slice(key.lastIndexOf('/') + 1).startsWith(`${topic}-`) && key.endsWith('.parquet')) keys.push(key);
        }
      }
    }
    return keys;
  } finally {
    await store.close();
  }
}

async function deleteLakeFiles(env: Environment, keys: string[]): Promise<void> {
  const store = env.lakeStore();
  try {
    await store.delete(keys);
    logger.info({ files: keys.length, lake: store.root }, 'lake files of the outputs deleted (written again from the start)');
  } finally {
    await store.close();
  }
}

/**
 * Reads a late-records topic and keeps the records whose source record (headers source_topic,
 * source_partition, source_offset) is before `rereadFrom` of its input partition. Nothing reads
 * late topics through a group, so their offsets may move. Undefined when nothing goes.
 */
async function planLateCut(
  env: Environment,
  topic: string,
  rereadFrom: Map<string, number>,
): Promise<{ dropped: number; rewrite: TopicRewrite } | undefined> {
  const admin = env.backend.admin();
  const reader = await env.backend.partitionReader();
  try {
    const partitions = await admin.partitionCount(topic);
    if (partitions === undefined) return undefined;
    const ends = await admin.endOffsets(topic);
    const keep: LogRecord[] = [];
    let total = 0;
    for (let p = 0; p < partitions; p++) {
      for await (const batch of reader.read({ topic, partition: p }, 0, ends[p])) {
        for (const r of batch) {
          total++;
          const from = rereadFrom.get(`${r.headers.source_topic}/${r.headers.source_partition}`);
          if (from === undefined || Number(r.headers.source_offset) < from) keep.push(r);
        }
      }
    }
    return keep.length === total ? undefined : { dropped: total - keep.length, rewrite: { topic, partitions, keep } };
  } finally {
    await reader.close();
    await admin.close();
  }
}

/** Deletes the topic, creates it again with the same partitions and writes the kept records back. */
async function rewriteTopic(env: Environment, { topic, partitions, keep }: TopicRewrite): Promise<void> {
  const admin = env.backend.admin();
  try {
    await admin.deleteTopics([topic]);
  } finally {
    await admin.close();
  }
  await recreate(env, topic, partitions);
  if (keep.length === 0) return;
  const producer = await env.backend.producer();
  try {
    await producer.send(
      keep.map((r) => ({ topic, partition: r.partition, key: r.key, value: r.value, timestamp: r.timestamp, headers: r.headers })),
    );
  } finally {
    await producer.close();
  }
}

/** Kafka deletes topics asynchronously: retry creation until the old one is gone. */
async function recreate(env: Environment, topic: string, partitions: number): Promise<void> {
  const admin = env.backend.admin();
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.createTopics([{ name: topic, partitions }]);
        const n = await admin.partitionCount(topic);
        if (n === partitions) return;
      } catch (err) {
        if (attempt >= 60) throw new ReplayError(`cannot re-create topic ${topic} after deleting it: ${(err as Error).message}`);
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  } finally {
    await admin.close();
  }
}
