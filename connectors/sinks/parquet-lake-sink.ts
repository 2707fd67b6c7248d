// The lake sink: Parquet files whose names depend only on the log. Each partition's offsets are cut
// into fixed chunks of `chunkOffsets`; the file for (chunk, dt) holds that chunk's records of that UTC
// day, named by its first and last offsets. A chunk is written when the first record of a later chunk
// arrives, and the input offset is committed up to that later chunk's start. When the input goes idle
// (or at shutdown) the open chunk is written as it stands — partial files — and the offset is
// committed up to what was read, so a run with nothing new reads nothing. A record after that point
// belongs to the open chunk, whose files must be rewritten whole: the sink asks (alignStart) to
// read the chunk again from its start, and once it completes, its files are rewritten and the partial
// ones (same prefix, smaller last offset) deleted. A replay therefore rewrites the same names, and
// the final set of files depends only on the log content.
import type { BackoffOptions, Logger, TopicPartition, TopicPartitionOffset } from '../../engine/index.ts';
import { encodeParquet } from '../../warehouse/parquet/parquet-encode.ts';
import { parquetSchemaOf } from '../../warehouse/parquet/parquet-schema.ts';
import { eventLoopTurnIfHeld } from './event-loop-turn.ts';
import { chunkStart, dtOf, lakeFileKey, lakeFilePrefix } from './lake-layout.ts';
import type { LakeStore } from './lake-store.ts';
import { isRetriableS3Error } from './s3-lake-store.ts';
import { SinkError, tpKey, type Sink, type SinkRecord } from './sink.ts';
import { retryingSinkWrite } from './sink-retry.ts';

export interface ParquetLakeSinkOptions {
  /** Offsets per chunk (default 50,000): the most rows a file holds and a partition buffers. */
  chunkOffsets?: number;
  retry?: BackoffOptions;
  logger?: Logger;
}

interface OpenChunk {
  tp: TopicPartition;
  /** First offset of the chunk being filled. */
  start: number;
  records: SinkRecord[];
  /** records.length when this chunk's files were last written (a flush with nothing new is a no-op). */
  written: number;
  /** Input offset safe to commit: everything below it is in files (complete, or the open chunk's partial ones). */
  committable: number;
  /** Next input offset the runner has consumed in this partition, dead-lettered records included. */
  consumed: number;
}

export const DEFAULT_CHUNK_OFFSETS = 50_000;

export class ParquetLakeSink implements Sink {
  static readonly sinkName = 'lake';
  readonly name = ParquetLakeSink.sinkName;
  private readonly chunkOffsets: number;
  private readonly open = new Map<string, OpenChunk>();
  private written = 0;
  private files = 0;

  constructor(
    private readonly store: LakeStore,
    private readonly opts: ParquetLakeSinkOptions = {},
  ) {
    this.chunkOffsets = opts.chunkOffsets ?? DEFAULT_CHUNK_OFFSETS;
    if (!Number.isInteger(this.chunkOffsets) || this.chunkOffsets < 1)
      throw new SinkError(`chunkOffsets must be a positive integer, got ${this.chunkOffsets}`);
  }

  get rowsWritten(): number {
    return this.written;
  }

  /** Lake files written (rewrites included). */
  get filesWritten(): number {
    return this.files;
  }

  async write(records: SinkRecord[], signal: AbortSignal): Promise<void> {
    for (const record of records) {
      const key = tpKey(record);
      const start = chunkStart(record.offset, this.chunkOffsets);
      let chunk = this.open.get(key);
      if (chunk && start > chunk.start) {
        await this.writeChunk(chunk, signal);
        chunk.committable = start;
        chunk.consumed = start;
        chunk.start = start;
        chunk.records = [];
        chunk.written = 0;
      } else if (chunk && start < chunk.start) {
        throw new SinkError(`${record.topic}-${record.partition}: offset ${record.offset} went back before chunk ${chunk.start}`);
      }
      if (!chunk) {
        chunk = {
          tp: { topic: record.topic, partition: record.partition },
          start,
          records: [],
          written: 0,
          committable: start,
          consumed: start,
        };
        this.open.set(key, chunk);
      }
      chunk.records.push(record);
    }
  }

  /** Writes the open chunks as they stand; everything consumed is then in files and may be committed. */
  async flush(signal: AbortSignal): Promise<void> {
    for (const chunk of this.open.values()) {
      if (chunk.records.length > chunk.written) await this.writeChunk(chunk, signal);
      chunk.committable = Math.max(chunk.committable, chunk.consumed);
    }
  }

  /** File boundaries follow record offsets only; skipped (dead-lettered) offsets only move what a flush may commit. */
  advance(positions: TopicPartitionOffset[]): void {
    for (const p of positions) {
      const chunk = this.open.get(tpKey(p));
      if (chunk) chunk.consumed = Math.max(chunk.consumed, p.offset);
    }
  }

  committable(): TopicPartitionOffset[] {
    return [...this.open.values()].map((c) => ({ ...c.tp, offset: c.committable }));
  }

  alignStart(_tp: TopicPartition, offset: number): number {
    return chunkStart(offset, this.chunkOffsets);
  }

  release(partitions: TopicPartition[]): void {
    for (const tp of partitions) this.open.delete(tpKey(tp));
  }

  async close(): Promise<void> {
    this.open.clear();
    await this.store.close();
  }

  /** Writes one file per UTC day of the chunk's records, then deletes the files they supersede. */
  private async writeChunk(chunk: OpenChunk, signal: AbortSignal): Promise<void> {
    const byDay = new Map<string, SinkRecord[]>();
    for (const r of chunk.records) {
      const dt = dtOf(r.row.event_time as number);
      let list = byDay.get(dt);
      if (!list) byDay.set(dt, (list = []));
      list.push(r);
    }
    const { topic, partition } = chunk.tp;
    const schema = parquetSchemaOf(topic as never);
    for (const [dt, records] of byDay) {
      const first = records[0].offset;
      const key = lakeFileKey(topic, dt, partition, first, records[records.length - 1].offset);
      const body = await encodeParquet(
        schema,
        records.map((r) => r.row),
      );
      await this.retrying(() => this.store.put(key, body), `write ${this.store.root}/${key}`, signal);
      const stale = (
        await this.retrying(() => this.store.list(lakeFilePrefix(topic, dt, partition, first)), `list ${this.store.root}`, signal)
      ).filter((k) => k !== key);
      if (stale.length > 0) await this.retrying(() => this.store.delete(stale), `delete superseded files in ${this.store.root}`, signal);
      this.files++;
      // A chunk spans up to a file per UTC day: on a local directory all of it is synchronous.
      await eventLoopTurnIfHeld();
    }
    this.written += chunk.records.length - chunk.written;
    chunk.written = chunk.records.length;
  }

  private retrying<T>(op: () => Promise<T>, what: string, signal: AbortSignal): Promise<T> {
    return retryingSinkWrite(op, isRetriableLakeError, `lake sink: ${what}`, signal, this.opts);
  }
}

function isRetriableLakeError(err: unknown): boolean {
  return isRetriableS3Error(err);
}
