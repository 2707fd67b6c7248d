import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { TopicName, TopicRecords } from './types.ts';

/** Topics pipelines write; every other project topic is an input connectors and the generator fill. */
export type OutputTopicName = 'risk-features' | 'risk-scores' | 'collection-priorities' | ReconciliationOutputTopicName;
/** The reconciliation pipeline's outputs (section 10 of the contracts). */
type ReconciliationOutputTopicName = 'reconciliation-results' | 'audit-log';
export type InputTopicName = Exclude<TopicName, OutputTopicName>;

/** How a topic is keyed and where its schema lives. Key = the field whose value is the Kafka record key. */
export interface TopicSpec<T extends TopicName = TopicName> {
  name: T;
  keyField: keyof TopicRecords[T] & string;
  /** Warehouse table and lake folder name: the topic name with '-' replaced by '_'. */
  table: string;
  kind: 'input' | 'output';
}

function spec<T extends TopicName>(name: T, keyField: keyof TopicRecords[T] & string, kind: 'input' | 'output'): TopicSpec<T> {
  return { name, keyField, table: tableOf(name), kind };
}

export const TOPICS = {
  'loan-applications': spec('loan-applications', 'customer_id', 'input'),
  transactions: spec('transactions', 'customer_id', 'input'),
  repayments: spec('repayments', 'customer_id', 'input'),
  statements: spec('statements', 'customer_id', 'input'),
  debtors: spec('debtors', 'debtor_id', 'input'),
  'partner-records': spec('partner-records', 'debtor_id', 'input'),
  'risk-features': spec('risk-features', 'customer_id', 'output'),
  'risk-scores': spec('risk-scores', 'customer_id', 'output'),
  'collection-priorities': spec('collection-priorities', 'debtor_id', 'output'),
  'reconciliation-results': spec('reconciliation-results', 'debtor_id', 'output'),
  'audit-log': spec('audit-log', 'debtor_id', 'output'),
  // Input from people (riskstream review resolve), not from the generator.
  'review-decisions': spec('review-decisions', 'debtor_id', 'input'),
} satisfies { [K in TopicName]: TopicSpec<K> };

export const INPUT_TOPICS = Object.values(TOPICS)
  .filter((t) => t.kind === 'input')
  .map((t) => t.name);
export const ALL_TOPICS = Object.keys(TOPICS) as TopicName[];

/** Default partition count for topics the project creates; co-partitioned inputs must share it. */
export const DEFAULT_PARTITIONS = 4;

export function isTopicName(name: string): name is TopicName {
  return Object.prototype.hasOwnProperty.call(TOPICS, name);
}

export function tableOf(topic: string): string {
  return topic.replace(/-/g, '_');
}

export function subjectOf(topic: string): string {
  return `${topic}-value`;
}

export const AVRO_DIR = fileURLToPath(new URL('./avro/', import.meta.url));

/** The parsed .avsc of a topic (a plain JSON object, as the registry stores it). */
export function avroSchemaOf(topic: TopicName): Record<string, unknown> {
  return JSON.parse(readFileSync(`${AVRO_DIR}${topic}.avsc`, 'utf8')) as Record<string, unknown>;
}
