// kafkajs message -> LogRecord.
import type { KafkaMessage } from 'kafkajs';
import { NO_HEADERS, type LogRecord } from '../backend.ts';

/** `offset`: the message's offset as a number, when the caller has parsed it already. */
export function toLogRecord(topic: string, partition: number, message: KafkaMessage, offset = Number(message.offset)): LogRecord {
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
  return {
    topic,
    partition,
    offset,
    key: message.key ?? null,
    value: message.value ?? null,
    timestamp: Number(message.timestamp),
    headers,
  };
}
