// kafkajs message -> LogRecord.
import type { KafkaMessage } from 'kafkajs';
import { NO_HEADERS, type LogRecord } from '../backend.ts';
import { LogRecordView } from '../log-record-view.ts';

/**
 * What patches/kafkajs+2.2.4.patch adds to a decoded message: its offset and timestamp as numbers
 * (NaN beyond safe integers), so that readers need not parse the strings kafkajs hands out, and
 * where its key and value lie in the fetched bytes (a negative length for null).
 */
interface DecodedRecordFields {
  offsetNumber: number;
  timestampNumber: number;
  bytes: Buffer;
  keyStart: number;
  keyLength: number;
  valueStart: number;
  valueLength: number;
}

function isDecodedRecord(message: KafkaMessage): message is KafkaMessage & DecodedRecordFields {
  return (message as Partial<DecodedRecordFields>).bytes !== undefined;
}

/** A message's offset as a number. */
export function offsetOf(message: KafkaMessage): number {
  return isDecodedRecord(message) && !Number.isNaN(message.offsetNumber) ? message.offsetNumber : Number(message.offset);
}

function timestampOf(message: KafkaMessage): number {
  return isDecodedRecord(message) && !Number.isNaN(message.timestampNumber) ? message.timestampNumber : Number(message.timestamp);
}

/**
 * The message as a LogRecord. Key and value stay in the fetched bytes until read (LogRecordView),
 * and the kafkajs message is not kept. Messages of the old formats (MessageSet v0/v1, decoded
 * without the patch's positions) are copied into a plain record.
 * `offset`: the message's offset, when the caller has it already (offsetOf).
 */
export function toLogRecord(topic: string, partition: number, message: KafkaMessage, offset = offsetOf(message)): LogRecord {
  let headers = NO_HEADERS;
  if (message.headers !== undefined) {
    for (const name in message.headers) {
      const raw = message.headers[name];
      // A repeated header arrives as an array; like Java's lastHeader(), keep the last one.
      const value = Array.isArray(raw) ? raw[raw.length - 1] : raw;
      if (value === undefined) continue;
      if (headers === NO_HEADERS) headers = {};
      headers[name] = value.toString();
    }
  }
  const timestamp = timestampOf(message);
  if (!isDecodedRecord(message))
    return { topic, partition, offset, key: message.key ?? null, value: message.value ?? null, timestamp, headers };
  return new LogRecordView(
    topic,
    partition,
    offset,
    timestamp,
    headers,
    message.bytes,
    message.keyStart,
    message.keyLength,
    message.valueStart,
    message.valueLength,
  );
}
