// `riskstream connect file --topic T --path FILE`: streams an NDJSON or CSV file onto topic T as
// Avro records. A line that is not a valid record goes to `T.dlq` (the raw line, with the reason,
// file and line number as headers) and is counted; it never stops the rest of the file.
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import readline from 'node:readline';
import { type EventTimeBounds, type LogAdmin, type LogProducer, type ProduceRecord, dlqTopicOf } from '../../../engine/index.ts';
import type { AvroSerde } from '../../../schemas/serde.ts';
import { FILE_ORIGIN_HEADERS } from '../../dead-letters/dead-letter-row.ts';
import { DEFAULT_PARTITIONS, INPUT_TOPICS, isTopicName, TOPICS } from '../../../schemas/topics.ts';
import type { TopicName } from '../../../schemas/types.ts';
import { csvRecords, csvRow, splitCsvRecord } from './csv.ts';
import { LineError } from './line-error.ts';
import { TopicRecordReader } from './record-reader.ts';
import type { TimeUnit } from './time-field.ts';

export type FileFormat = 'ndjson' | 'csv';

export interface FileConnectProgress {
  lines: number;
  written: number;
  deadLettered: number;
}

export interface FileConnectSummary extends FileConnectProgress {
  topic: string;
  path: string;
  format: FileFormat;
  /** Dead-lettered lines per kind of problem, e.g. { 'missing field customer_id': 2, 'invalid JSON': 1 }. */
  byReason: Record<string, number>;
}

export interface ConnectFileOptions {
  producer: LogProducer;
  serde: AvroSerde;
  topic: string;
  path: string;
  /** Default: from the extension (.csv → csv, anything else → ndjson). */
  format?: FileFormat;
  /** When given, T and T.dlq are created if they do not exist yet. */
  admin?: LogAdmin;
  /** Records per producer send; default 500. */
  batchSize?: number;
  /** What an epoch number in a time field counts: milliseconds (default) or seconds. */
  timeUnit?: TimeUnit;
  /** Times before minEventTime and event times more than maxEventTimeSkewMs ahead are dead-lettered (default: the engine's). */
  eventTimeBounds?: EventTimeBounds;
  onProgress?: (progress: FileConnectProgress) => void;
}

export class FileConnectError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** The topic given to `connect file` is not one of the project's topics. */
export class FileConnectUnknownTopicError extends FileConnectError {
  constructor(readonly topic: string) {
    super(`connect file: unknown topic "${topic}" (input topics: ${INPUT_TOPICS.join(', ')})`);
  }
}

/** The topic is one the pipelines write: loading events into it would forge their results. */
export class FileConnectOutputTopicError extends FileConnectError {
  constructor(readonly topic: string) {
    super(`connect file: "${topic}" is an output topic, written by a pipeline; connect loads input topics (${INPUT_TOPICS.join(', ')})`);
  }
}

/** The input file is missing, not a regular file, unreadable, or (CSV) has no usable header. */
export class FileConnectSourceError extends FileConnectError {
  constructor(
    readonly file: string,
    reason: string,
  ) {
    super(`connect file: cannot read ${file}: ${reason}`);
  }
}

export function formatOf(file: string): FileFormat {
  return path.extname(file).toLowerCase() === '.csv' ? 'csv' : 'ndjson';
}

async function openSource(file: string): Promise<FileHandle> {
  let handle: FileHandle;
  try {
    handle = await open(file, constants.O_RDONLY);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new FileConnectSourceError(
      file,
      code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (err as Error).message,
    );
  }
  const stat = await handle.stat();
  if (!stat.isFile()) {
    await handle.close();
    throw new FileConnectSourceError(file, 'not a regular file');
  }
  return handle;
}

async function ensureTopics(admin: LogAdmin, topic: string): Promise<void> {
  const missing = [];
  if ((await admin.partitionCount(topic)) === undefined) missing.push({ name: topic, partitions: DEFAULT_PARTITIONS });
  if ((await admin.partitionCount(dlqTopicOf(topic))) === undefined) missing.push({ name: dlqTopicOf(topic), partitions: 1 });
  if (missing.length > 0) await admin.createTopics(missing);
}

/** Lines of the file without the byte-order mark, CRLF or LF. */
async function* linesOf(handle: FileHandle): AsyncGenerator<string> {
  const rl = readline.createInterface({ input: handle.createReadStream({ encoding: 'utf8' }), crlfDelay: Infinity });
  let first = true;
  for await (const line of rl) {
    yield first && line.charCodeAt(0) === 0xfeff ? line.slice(1) : line;
    first = false;
  }
}

interface SourceLine {
  lineNo: number;
  raw: string;
  /** Turns the line into a record; throws LineError. */
  parse: () => unknown;
}

async function* ndjsonLines(lines: AsyncIterable<string>, reader: TopicRecordReader<TopicName>): AsyncGenerator<SourceLine> {
  let lineNo = 0;
  for await (const raw of lines) {
    lineNo++;
    if (raw.trim() === '') continue;
    yield { lineNo, raw, parse: () => reader.fromJsonLine(raw) };
  }
}

async function* csvLines(lines: AsyncIterable<string>, reader: TopicRecordReader<TopicName>, file: string): AsyncGenerator<SourceLine> {
  let header: string[] | null = null;
  for await (const rec of csvRecords(lines)) {
    if (rec.raw.trim() === '') continue;
    if (header === null) {
      if ('error' in rec) throw new FileConnectSourceError(file, `CSV header on line ${rec.lineNo}: ${rec.error.message}`);
      try {
        header = splitCsvRecord(rec.raw).map((h) => h.trim());
      } catch (err) {
        throw new FileConnectSourceError(file, `CSV header on line ${rec.lineNo}: ${(err as Error).message}`);
      }
      continue;
    }
    const columns: string[] = header;
    if ('error' in rec) {
      const error = rec.error;
      yield {
        lineNo: rec.lineNo,
        raw: rec.raw,
        parse: () => {
          throw error;
        },
      };
    } else {
      yield { lineNo: rec.lineNo, raw: rec.raw, parse: () => reader.fromCsvRow(csvRow(columns, rec.raw)) };
    }
  }
}

/** Streams the file onto the topic; resolves with what was written and what was dead-lettered. */
export async function connectFile(opts: ConnectFileOptions): Promise<FileConnectSummary> {
  const { producer, serde, topic, path: file } = opts;
  if (!isTopicName(topic)) throw new FileConnectUnknownTopicError(topic);
  if (TOPICS[topic].kind !== 'input') throw new FileConnectOutputTopicError(topic);
  const format = opts.format ?? formatOf(file);
  const handle = await openSource(file);
  try {
    await serde.prepare([topic]);
    if (opts.admin) await ensureTopics(opts.admin, topic);
    const reader = new TopicRecordReader(topic, { timeUnit: opts.timeUnit, eventTimeBounds: opts.eventTimeBounds });
    const keyField = TOPICS[topic].keyField;
    const dlq = dlqTopicOf(topic);
    const batchSize = opts.batchSize ?? 500;
    const summary: FileConnectSummary = { topic, path: file, format, lines: 0, written: 0, deadLettered: 0, byReason: {} };
    let batch: ProduceRecord[] = [];
    const flush = async () => {
      if (batch.length === 0) return;
      await producer.send(batch);
      batch = [];
      reader.setWallClock(Date.now());
      opts.onProgress?.({ lines: summary.lines, written: summary.written, deadLettered: summary.deadLettered });
    };

    const lines = linesOf(handle);
    const source = format === 'csv' ? csvLines(lines, reader, file) : ndjsonLines(lines, reader);
    for await (const line of source) {
      summary.lines++;
      try {
        const record = line.parse() as Record<string, unknown> & { event_time: number };
        const value = encodeOrExplain(serde, topic, record);
        batch.push({ topic, key: Buffer.from(String(record[keyField]), 'utf8'), value, timestamp: record.event_time });
        summary.written++;
      } catch (err) {
        if (!(err instanceof LineError)) throw err;
        batch.push({
          topic: dlq,
          key: null,
          value: Buffer.from(line.raw, 'utf8'),
          headers: {
            error: err.message,
            [FILE_ORIGIN_HEADERS.file]: file,
            [FILE_ORIGIN_HEADERS.line]: String(line.lineNo),
            source_topic: topic,
          },
        });
        summary.deadLettered++;
        summary.byReason[err.reasonKey] = (summary.byReason[err.reasonKey] ?? 0) + 1;
      }
      if (batch.length >= batchSize) await flush();
    }
    await flush();
    return summary;
  } finally {
    await handle.close();
  }
}

/**
 * Why a finished load counts as failed, or undefined when it does not: every line was rejected, or
 * more lines than `maxErrors` (default: no limit). The lines were loaded all the same (the valid ones
 * onto the topic, the rest into its DLQ): the verdict is for the caller's exit status.
 */
export function rejectedLoadReason(summary: FileConnectSummary, maxErrors?: number): string | undefined {
  const { deadLettered: rejected, lines, path: file } = summary;
  if (rejected > 0 && summary.written === 0)
    return `connect file: all ${rejected} lines of ${file} rejected, none written (see ${summary.topic}.dlq)`;
  if (maxErrors !== undefined && rejected > maxErrors) {
    return `connect file: ${rejected} of ${lines} lines of ${file} rejected, more than the ${maxErrors} allowed (see ${summary.topic}.dlq)`;
  }
  return undefined;
}

/** Encodes a validated record; a failure here is the line's problem, not the file's. */
function encodeOrExplain(serde: AvroSerde, topic: TopicName, record: Record<string, unknown>): Buffer {
  try {
    return serde.encode(topic, record as never);
  } catch (err) {
    throw new LineError('cannot encode', null, `cannot encode as ${topic}: ${(err as Error).message}`);
  }
}
