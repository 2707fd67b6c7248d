// What `riskstream dlq list|show` read: the dead-letter topics of the log and their records, as rows.
import { type Backend, dlqTopicOf } from '../engine/index.ts';
import { deadLetterRowOf, type DeadLetterRow } from '../connectors/dead-letters/dead-letter-row.ts';
import { formatRows } from '../warehouse/format-rows.ts';
import { formatDateTime64 } from '../warehouse/rows.ts';
import type { QueryFormat } from '../warehouse/warehouse.ts';
import { formatTopicRecords, listTopicRecords, type TopicRecords } from './topics.ts';

const DLQ_SUFFIX = dlqTopicOf('');

/** A dead-letter topic with its partitions and the records it holds now. */
export type DeadLetterTopic = TopicRecords;

export class DeadLetterTopicError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeadLetterTopicError';
  }
}

export function isDeadLetterTopic(topic: string): boolean {
  return topic.endsWith(DLQ_SUFFIX) && topic.length > DLQ_SUFFIX.length;
}

/** `transactions` and `transactions.dlq` both name the dead letters of transactions. */
export function deadLetterTopicNamed(name: string): string {
  return isDeadLetterTopic(name) ? name : dlqTopicOf(name);
}

export function listDeadLetterTopics(backend: Backend): Promise<DeadLetterTopic[]> {
  return listTopicRecords(backend, isDeadLetterTopic);
}

/**
 * The latest `limit` dead letters of a topic (by record time, then partition and offset), oldest first.
 * `name`: the topic or its DLQ. An unknown DLQ is an error naming the ones that exist.
 */
export async function readDeadLetters(backend: Backend, name: string, limit: number): Promise<DeadLetterRow[]> {
  const topic = deadLetterTopicNamed(name);
  const admin = backend.admin();
  let ranges: { partition: number; from: number; to: number }[];
  try {
    if ((await admin.partitionCount(topic)) === undefined) {
      const known = (await admin.listTopics())
        .map((t) => t.name)
        .filter(isDeadLetterTopic)
        .sort();
      throw new DeadLetterTopicError(`no dead-letter topic ${topic} (dead-letter topics: ${known.length > 0 ? known.join(', ') : 'none'})`);
    }
    const [starts, ends] = [await admin.startOffsets(topic), await admin.endOffsets(topic)];
    // No more than `limit` records of any partition can be among the latest `limit` overall.
    ranges = ends.map((to, partition) => ({ partition, from: Math.max(starts[partition] ?? 0, to - limit), to }));
  } finally {
    await admin.close();
  }
  const rows: DeadLetterRow[] = [];
  const reader = await backend.partitionReader();
  try {
    for (const { partition, from, to } of ranges) {
      if (from >= to) continue;
      for await (const batch of reader.read({ topic, partition }, from, to)) for (const r of batch) rows.push(deadLetterRowOf(r));
    }
  } finally {
    await reader.close();
  }
  rows.sort((a, b) => a.event_time - b.event_time || a.partition - b.partition || a.offset - b.offset);
  return rows.slice(Math.max(0, rows.length - limit));
}

/** What a table shows (the origin's parts are in `origin`); json and csv carry every field. */
const TABLE_COLUMNS: (keyof DeadLetterRow)[] = ['partition', 'offset', 'event_time', 'error', 'origin', 'payload_encoding', 'payload'];

/** Dead letters as `riskstream query` would print rows of the `dead_letters` table (times as DateTime64 text). */
export function formatDeadLetters(rows: readonly DeadLetterRow[], format: QueryFormat): string {
  const shown = rows.map((r) => ({ ...r, event_time: formatDateTime64(r.event_time) }));
  return formatRows(shown, format, format === 'table' ? TABLE_COLUMNS : undefined);
}

export function formatDeadLetterTopics(topics: readonly DeadLetterTopic[], format: QueryFormat): string {
  return formatTopicRecords(topics, format);
}
