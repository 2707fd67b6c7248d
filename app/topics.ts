// What `riskstream topics list` and `dlq list` show: each topic of the log with its partitions and
// the records it holds now, in the `--format` shapes of the other listings.
import type { Backend } from '../engine/index.ts';
import { formatRows } from '../warehouse/format-rows.ts';
import type { QueryFormat } from '../warehouse/warehouse.ts';

export interface TopicRecords {
  topic: string;
  partitions: number;
  /** Records in the log now (end minus start offsets: Kafka may have deleted older ones). */
  records: number;
}

/** The topics whose name `wanted` accepts (all by default), by name. */
export async function listTopicRecords(backend: Backend, wanted: (topic: string) => boolean = () => true): Promise<TopicRecords[]> {
  const admin = backend.admin();
  try {
    const out: TopicRecords[] = [];
    for (const t of await admin.listTopics()) {
      if (!wanted(t.name)) continue;
      const starts = await admin.startOffsets(t.name);
      out.push({ topic: t.name, partitions: t.partitions, records: t.endOffsets.reduce((n, end, p) => n + end - (starts[p] ?? 0), 0) });
    }
    return out.sort((a, b) => a.topic.localeCompare(b.topic));
  } finally {
    await admin.close();
  }
}

export function formatTopicRecords(topics: readonly TopicRecords[], format: QueryFormat): string {
  return formatRows(
    topics.map((t) => ({ ...t })),
    format,
    ['topic', 'partitions', 'records'],
  );
}
