// A dead letter as one flat row, for people (`riskstream dlq show`) and for the warehouse table
// `dead_letters`: why it was rejected (header `error`), where it came from, and its payload. Two
// writers, two kinds of origin: the file connector names the file and line (`source_file`,
// `source_line`); stream tasks and sinks name the record (`source_topic`, `source_partition`,
// `source_offset`, engine/tasks/dead-letters.ts).
import type { LogRecord } from '../../engine/index.ts';

/** Headers the file connector puts on a rejected line, beside `error` and `source_topic`. */
export const FILE_ORIGIN_HEADERS = { file: 'source_file', line: 'source_line' } as const;

/** utf8: the payload is the text itself; base64: the bytes are not text (e.g. Avro), base64-encoded. */
export type PayloadEncoding = 'utf8' | 'base64';

export interface DeadLetterRow {
  dlq_topic: string;
  partition: number;
  offset: number;
  /** The dead letter's record timestamp, UTC ms. */
  event_time: number;
  error: string | null;
  source_topic: string | null;
  source_partition: number | null;
  source_offset: number | null;
  file: string | null;
  line: number | null;
  /**
   * One string naming where the rejected record came from: `file:line` (file connector),
   * `topic[partition]@offset` (stream task or sink), else the dead letter's own coordinates.
   * A record dead-lettered again (re-delivery, replay, a second sink) has the same origin.
   */
  origin: string;
  payload_encoding: PayloadEncoding;
  payload: string;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
/** Control characters other than tab, LF and CR: bytes that decode as UTF-8 but are no text (Avro starts with 0x00). */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const NOT_TEXT = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

export function payloadOf(value: Buffer | null): { payload_encoding: PayloadEncoding; payload: string } {
  if (value === null || value.length === 0) return { payload_encoding: 'utf8', payload: '' };
  try {
    const text = strictUtf8.decode(value);
    if (!NOT_TEXT.test(text)) return { payload_encoding: 'utf8', payload: text };
  } catch {
    // not UTF-8: base64 below
  }
  return { payload_encoding: 'base64', payload: value.toString('base64') };
}

/** A header that should hold a non-negative integer; null when absent or not one (never throws). */
function intHeader(value: string | undefined): number | null {
  if (value === undefined || !/^\d+$/.test(value)) return null;
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : null;
}

export function deadLetterRowOf(record: LogRecord): DeadLetterRow {
  const h = record.headers;
  const sourceTopic = h.source_topic ?? null;
  const sourcePartition = intHeader(h.source_partition);
  const sourceOffset = intHeader(h.source_offset);
  const file = h[FILE_ORIGIN_HEADERS.file] ?? null;
  const line = intHeader(h[FILE_ORIGIN_HEADERS.line]);
  let origin: string;
  if (file !== null && line !== null) origin = `${file}:${line}`;
  else if (sourceTopic !== null && sourcePartition !== null && sourceOffset !== null)
    origin = `${sourceTopic}[${sourcePartition}]@${sourceOffset}`;
  else origin = `${record.topic}[${record.partition}]@${record.offset}`;
  return {
    dlq_topic: record.topic,
    partition: record.partition,
    offset: record.offset,
    event_time: record.timestamp,
    error: h.error ?? null,
    source_topic: sourceTopic,
    source_partition: sourcePartition,
    source_offset: sourceOffset,
    file,
    line,
    origin,
    ...payloadOf(record.value),
  };
}
