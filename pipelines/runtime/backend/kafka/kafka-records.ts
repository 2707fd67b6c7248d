// kafkajs message -> LogRecord.
import type { KafkaMessage } from 'kafkajs';
import { NO_HEADERS, type Headers, type LogRecord } from '../backend.ts';

/**
 * What patches/kafkajs+2.2.4.patch adds to a decoded message: its offset and timestamp as numbers
 * (NaN beyond safe integers), so that readers need not parse the strings kafkajs hands out.
 */
interface NumericMessageFields {
  offsetNumber?: number;
  timestampNumber?: number;
}

/** A message's offset as a number. */
export function offsetOf(message: KafkaMessage): number {
  const n = (message as NumericMessageFields).offsetNumber;
  return n === undefined || Number.isNaN(n) ? Number(message.offset) : n;
}

function timestampOf(message: KafkaMessage): number {
  const n = (message as NumericMessageFields).timestampNumber;
  return n === undefined || Number.isNaN(n) ? Number(message.timestamp) : n;
}

/**
 * A fetched record whose key and value stay in the fetched bytes until read (the patched kafkajs
 * message reads them on demand): a record waits in its partition's queue until the task takes it,
 * and two Buffers per waiting record were the largest share of what a stream thread's young
 * generation copied and promoted. A task reads key and value once each, as it decodes them.
 */
class KafkaLogRecord implements LogRecord {
  constructor(
    readonly topic: string,
    readonly partition: number,
    readonly offset: number,
    readonly timestamp: number,
    readonly headers: Headers,
    private readonly message: KafkaMessage,
  ) {}

  get key(): Buffer | null {
    return this.message.key ?? null;
  }

  get value(): Buffer | null {
    return this.message.value ?? null;
  }
}

/** `offset`: the message's offset, when the caller has it already (offsetOf). */
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
  return new KafkaLogRecord(topic, partition, offset, timestampOf(message), headers, message);
}
