// `riskstream replay`: rewinds a pipeline so that its next run recomputes from a point in time and
// leaves the warehouse and the lake as a single clean run would have.
//
// From time T the pipeline must rebuild every window still open at T, so its streams are re-read
// from R = T - lookback (window size + grace) and its tables from the earliest offset (as-of joins
// need all history); its state is dropped (local copies and changelogs). Windows starting before R
// were emitted complete before the replay: the floor file tells the next runs not to emit them again.
// Each output partition is cut back to its records of windows before R (the task emits in window
// order, so they are a prefix) and the sinks are rewound to the cut, so the recomputed records land
// at the same offsets, in the same lake files, and collapse onto the same warehouse rows.
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
import { inputsOf, type PipelineDefinition } from './catalog.ts';
import type { Environment } from './environment.ts';
import { GroupActiveError, type IdleGroupsLease, type LogRecord, type TopicPartitionOffset, logger } from '../engine/index.ts';

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

/** What the replay reads through a group: the application's and its sinks'. */
function groupsOf(def: PipelineDefinition): string[] {
  return [def.applicationId, ...SINK_NAMES.map(sinkGroupId)];
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
  try {
    const plan = await planReplay(env, def, rewindTo);
    try {
      await applyReplay(env, def, plan, lease);
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
      { pipeline: def.name, rewindTo, kept: plan.kept, dropped: plan.dropped, lateDropped: plan.lateDropped },
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
    };
  } finally {
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
  /** Where the sinks resume on the outputs: the end of each cut partition. */
  sinkOffsets: TopicPartitionOffset[];
  /** Kafka: lake files of the outputs, rewritten from each output's start. */
  lakeFiles: string[];
  kept: number;
  dropped: number;
  lateDropped: number;
}

async function planReplay(env: Environment, def: PipelineDefinition, rewindTo: number): Promise<ReplayPlan> {
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
    // Outputs: keep each partition's prefix of windows before the rewind point.
    const rewrites: TopicRewrite[] = [];
    const sinkOffsets: TopicPartitionOffset[] = [];
    let kept = 0;
    let dropped = 0;
    for (const topic of def.outputs) {
      const cut = await planOutputCut(env, topic, rewindTo);
      kept += cut.kept;
      dropped += cut.dropped;
      sinkOffsets.push(...cut.offsets);
      if (cut.rewrite !== undefined) rewrites.push(cut.rewrite);
    }
    // Late records of the input records about to be re-read: the next run sends them again.
    const rereadFrom = new Map(inputOffsets.map((o) => [`${o.topic}/${o.partition}`, o.offset]));
    let lateDropped = 0;
    for (const late of def.lateTopics) {
      const cut = await planLateCut(env, late, rereadFrom);
      if (cut === undefined) continue;
      lateDropped += cut.dropped;
      rewrites.push(cut.rewrite);
    }
    // On Kafka, transaction markers take offsets of their own: the rewritten prefix and the
    // recomputed records sit at other offsets than the ones the lake file names carry, so the old
    // names would stay next to the new ones. There the lake is rewritten from each output's start.
    const lakeFiles = env.backend.kind === 'kafka' ? await lakeFilesOf(env, def.outputs) : [];
    return { inputOffsets, internal, rewrites, sinkOffsets, lakeFiles, kept, dropped, lateDropped };
  } finally {
    await admin.close();
  }
}

/** Carries out the plan; before each change, checks the groups are still idle (Kafka). */
async function applyReplay(env: Environment, def: PipelineDefinition, plan: ReplayPlan, lease: IdleGroupsLease): Promise<void> {
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
    const lakeOffsets = env.backend.kind === 'kafka' ? plan.sinkOffsets.map((o) => ({ ...o, offset: 0 })) : plan.sinkOffsets;
    if (plan.lakeFiles.length > 0) {
      await lease.verify();
      await deleteLakeFiles(env, plan.lakeFiles);
    }
    for (const sink of SINK_NAMES) {
      const offsets = sink === ParquetLakeSink.sinkName ? lakeOffsets : plan.sinkOffsets;
      if (offsets.length === 0) continue;
      await lease.verify();
      await admin.setCommittedOffsets(sinkGroupId(sink), offsets);
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
          const start = ((await env.serde.decodeAsync(topic, r.value)) as { window_start?: number }).window_start ?? 0;
          if (start < rewindTo) records.push(r);
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

/** The lake files of the outputs (Kafka rewrites them from each output's start). */
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
    logger.info({ files: keys.length, lake: store.root }, 'lake files of the outputs deleted (rewritten from the start)');
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
