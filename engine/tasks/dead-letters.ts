// Where a record goes that cannot be processed: `<topic>.dlq`, the record as it was
// read, with headers saying why and where it came from. Stream tasks and sinks write the same shape,
// so one consumer of dead letters reads both.
import type { LogRecord, ProduceRecord } from '../backend/backend.ts';

export function dlqTopicOf(topic: string): string {
  return `${topic}.dlq`;
}

/** The dead letter of `record`: its key, value, time and headers, plus error and origin headers. */
export function deadLetterOf(record: LogRecord, error: string): ProduceRecord {
  return {
    topic: dlqTopicOf(record.topic),
    key: record.key,
    value: record.value,
    timestamp: record.timestamp,
    headers: {
      ...record.headers,
      error,
      source_topic: record.topic,
      source_partition: String(record.partition),
      source_offset: String(record.offset),
    },
  };
}
