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
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sinkGroupId } from '../connectors/sinks/sink-runner.ts';
import { tableOf } from '../schemas/topics.ts';
import type { TopicName } from '../schemas/types.ts';
import { inputsOf, type PipelineDefinition } from './catalog.ts';
import type { Environment } from './environment.ts';
import { type LogRecord, type TopicPartitionOffset, logger } from '../engine/index.ts';

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
export const SINK_NAMES = ['warehouse', 'lake'];

export function parseReplayPoint(text: string): ReplayPoint {
  if (text === 'earliest') return 'earliest';
  const t = Date.parse(text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(t)) throw new ReplayError(`--from must be 'earliest' or an ISO-8601 time, got '${text}'`);
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

export async function replayPipeline(env: Environment, def: PipelineDefinition, point: ReplayPoint): Promise<ReplaySummary> {
  const rewindTo = point === 'earliest' ? 0 : Math.max(0, point - def.replayLookbackMs);
  const admin = env.backend.admin();
  try {
    // 1. Input offsets: streams from the rewind point, tables from the beginning.
    const inputOffsets: TopicPartitionOffset[] = [];
    for (const topic of inputsOf(def)) {
      const partitions = await admin.partitionCount(topic);
      if (partitions === undefined) continue;
      const offsets = def.tableInputs.includes(topic) || rewindTo === 0 ? new Array<number>(partitions).fill(0) : await admin.offsetsForTimestamp(topic, rewindTo);
      offsets.forEach((offset, partition) => inputOffsets.push({ topic, partition, offset }));
    }
    // 2. State: local copies and changelog (and any internal) topics of the application.
    const internal = (await admin.listTopics()).map((t) => t.name).filter((n) => n.startsWith(`${def.applicationId}-`));
    if (internal.length > 0) await admin.deleteTopics(internal);
    rmSync(join(env.stateDir, def.applicationId), { recursive: true, force: true });
    // 3. Outputs: keep each partition's prefix of windows before the rewind point.
    let kept = 0;
    let dropped = 0;
    const sinkOffsets: TopicPartitionOffset[] = [];
    for (const topic of def.outputs) {
      const cut = await cutOutput(env, topic, rewindTo);
      kept += cut.kept;
      dropped += cut.dropped;
      sinkOffsets.push(...cut.offsets);
    }
    // 4. Late records of the input records about to be re-read: the next run sends them again.
    const rereadFrom = new Map(inputOffsets.map((o) => [`${o.topic}/${o.partition}`, o.offset]));
    let lateDropped = 0;
    for (const late of def.topology(env.serde, {}).lateTopics) lateDropped += await cutLateRecords(env, late, rereadFrom);
    await admin.setCommittedOffsets(def.applicationId, inputOffsets);
    // On Kafka, transaction markers take offsets of their own: the rewritten prefix and the
    // recomputed records sit at other offsets than the ones the lake file names carry, so the old
    // names would stay next to the new ones. There the lake is rewritten from each output's start.
    const lakeOffsets = env.backend.kind === 'kafka' ? await restartLake(env, def.outputs, sinkOffsets) : sinkOffsets;
    for (const sink of SINK_NAMES) {
      const offsets = sink === 'lake' ? lakeOffsets : sinkOffsets;
      if (offsets.length > 0) await admin.setCommittedOffsets(sinkGroupId(sink), offsets);
    }
    mkdirSync(join(env.settings.dataDir, 'pipelines', def.name), { recursive: true });
    writeFileSync(floorPath(env.settings.dataDir, def.name), JSON.stringify({ emitWindowsFrom: rewindTo, from: String(point), at: new Date().toISOString() }) + '\n');
    logger.info({ pipeline: def.name, rewindTo, kept, dropped, lateDropped }, 'pipeline rewound');
    return {
      pipeline: def.name,
      from: point === 'earliest' ? 'earliest' : new Date(point).toISOString(),
      rewindTo,
      inputOffsets,
      outputRecordsKept: kept,
      outputRecordsDropped: dropped,
      changelogsDropped: internal,
    };
  } finally {
    await admin.close();
  }
}

/**
 * Rewrites an output topic with only its records of windows starting before `rewindTo` (a prefix of
 * each partition), at the same partitions and offsets. Returns where each partition now ends.
 */
async function cutOutput(env: Environment, topic: TopicName, rewindTo: number): Promise<{ kept: number; dropped: number; offsets: TopicPartitionOffset[] }> {
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
    if (dropped === 0) return { kept: ends.reduce((a, b) => a + b, 0), dropped, offsets: ends.map((offset, partition) => ({ topic, partition, offset })) };
    await admin.deleteTopics([topic]);
    await recreate(env, topic, partitions);
    const producer = await env.backend.producer();
    try {
      const all = keep.flat().map((r) => ({ topic, partition: r.partition, key: r.key, value: r.value, timestamp: r.timestamp, headers: r.headers }));
      if (all.length > 0) await producer.send(all);
    } finally {
      await producer.close();
    }
    return { kept: keep.reduce((a, k) => a + k.length, 0), dropped, offsets: keep.map((k, partition) => ({ topic, partition, offset: k.length })) };
  } finally {
    await reader.close();
    await admin.close();
  }
}

/** Deletes the lake files of the outputs; returns the lake sink's offsets: each output partition from 0. */
async function restartLake(env: Environment, outputs: readonly TopicName[], cut: TopicPartitionOffset[]): Promise<TopicPartitionOffset[]> {
  const store = env.lakeStore();
  try {
    for (const topic of outputs) {
      const table = tableOf(topic);
      const keys: string[] = [];
      // A local store lists one directory level (dt=... folders), S3 every key under the prefix.
      for (const entry of await store.list(`${table}/`)) {
        for (const key of entry.endsWith('.parquet') ? [entry] : await store.list(`${entry}/`)) {
          if (key.slice(key.lastIndexOf('/') + 1).startsWith(`${topic}-`) && key.endsWith('.parquet')) keys.push(key);
        }
      }
      if (keys.length > 0) await store.delete(keys);
      logger.info({ topic, files: keys.length, lake: store.root }, 'lake files of the output deleted (rewritten from the start)');
    }
  } finally {
    await store.close();
  }
  return cut.map((o) => ({ ...o, offset: 0 }));
}

/**
 * Rewrites a late-records topic without the records whose source record (headers source_topic,
 * source_partition, source_offset) is at or after `rereadFrom` of its input partition. Nothing reads
 * late topics through a group, so their offsets may move. Returns how many records it dropped.
 */
async function cutLateRecords(env: Environment, topic: string, rereadFrom: Map<string, number>): Promise<number> {
  const admin = env.backend.admin();
  const reader = await env.backend.partitionReader();
  try {
    const partitions = await admin.partitionCount(topic);
    if (partitions === undefined) return 0;
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
    if (keep.length === total) return 0;
    await admin.deleteTopics([topic]);
    await recreate(env, topic, partitions);
    if (keep.length > 0) {
      const producer = await env.backend.producer();
      try {
        await producer.send(keep.map((r) => ({ topic, partition: r.partition, key: r.key, value: r.value, timestamp: r.timestamp, headers: r.headers })));
      } finally {
        await producer.close();
      }
    }
    return total - keep.length;
  } finally {
    await reader.close();
    await admin.close();
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
