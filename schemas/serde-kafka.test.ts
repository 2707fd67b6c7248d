// Records encoded by AvroSerde (over the Confluent-API registry) travel through a real Kafka broker
// and decode, in a fresh serde that fetches the writer schema by id, to exactly what was sent.
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { ConfluentRegistryClient } from './registry/confluent-client.ts';
import { AvroSerde } from './serde.ts';
import type { Statement, Transaction } from './types.ts';

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: dev/vitest-global-setup.ts did not run`);
  return value;
}

const DAY = 86_400_000;
const T0 = Date.UTC(2024, 2, 1);

const transactions: Transaction[] = Array.from({ length: 12 }, (_, i) => ({
  event_id: `txn-evt-${i}`,
  tenant_id: 'tenant-a',
  event_time: T0 + i * 3_600_000,
  transaction_id: `txn-${i}`,
  customer_id: `cust-${i % 3}`,
  account_id: `acct-${i % 3}`,
  amount_cents: 1_000 + i * 137,
  direction: i % 4 === 0 ? 'CREDIT' : 'DEBIT',
  currency: 'EUR',
  merchant: ['Corner Grocer', 'City Metro', 'Pharmacy Plus'][i % 3],
  description: `purchase ${i}`,
  category: i % 2 === 0 ? null : 'food',
  channel: i % 5 === 0 ? 'TRANSFER' : 'CARD',
}));

const statement: Statement = {
  event_id: 'stmt-evt-1',
  tenant_id: 'tenant-a',
  event_time: T0 + 31 * DAY,
  statement_id: 'stmt-1',
  customer_id: 'cust-1',
  account_id: 'acct-1',
  period_start: T0,
  period_end: T0 + 30 * DAY,
  opening_balance_cents: 50_000,
  closing_balance_cents: 47_550,
  lines: [
    { line_no: 1, posted_at: T0 + DAY, description: 'rent', amount_cents: 2_000, direction: 'DEBIT' },
    { line_no: 2, posted_at: T0 + 2 * DAY, description: 'refund', amount_cents: 450, direction: 'CREDIT' },
    { line_no: 3, posted_at: T0 + 3 * DAY, description: 'groceries', amount_cents: 900, direction: 'DEBIT' },
  ],
};

describe('AvroSerde over Kafka', () => {
  it('produces and consumes records equal to what was sent', async () => {
    const registryUrl = env('SCHEMA_REGISTRY_URL');
    const writer = new AvroSerde(new ConfluentRegistryClient({ url: registryUrl }));
    await writer.prepare(['transactions', 'statements']);

    const kafka = new Kafka({ clientId: 'serde-test', brokers: env('KAFKA_BROKERS').split(','), logLevel: logLevel.NOTHING });
    const run = randomUUID().slice(0, 8);
    const topics = { transactions: `serde-test-${run}-transactions`, statements: `serde-test-${run}-statements` };
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        { topic: topics.transactions, numPartitions: 2 },
        { topic: topics.statements, numPartitions: 1 },
      ],
    });
    await admin.disconnect();

    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, idempotent: true });
    await producer.connect();
    await producer.send({
      topic: topics.transactions,
      messages: transactions.map((t) => ({ key: t.customer_id, value: writer.encode('transactions', t) })),
    });
    await producer.send({
      topic: topics.statements,
      messages: [{ key: statement.customer_id, value: writer.encode('statements', statement) }],
    });
    await producer.disconnect();

    // A reader that has never seen these schemas: it must fetch them by the id in each record.
    const reader = new AvroSerde(new ConfluentRegistryClient({ url: registryUrl }));
    const received: { transactions: Transaction[]; statements: Statement[] } = { transactions: [], statements: [] };
    const consumer = kafka.consumer({ groupId: `serde-test-${run}` });
    await consumer.connect();
    await consumer.subscribe({ topics: [topics.transactions, topics.statements], fromBeginning: true });
    const expected = transactions.length + 1;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`received ${received.transactions.length + received.statements.length} of ${expected} records`)),
        60_000,
      );
      consumer
        .run({
          eachMessage: async ({ topic, message }) => {
            if (topic === topics.transactions) received.transactions.push(await reader.decodeAsync('transactions', message.value));
            else received.statements.push(await reader.decodeAsync('statements', message.value));
            if (received.transactions.length + received.statements.length === expected) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
    await consumer.disconnect();

    const byId = (a: Transaction, b: Transaction): number => a.event_id.localeCompare(b.event_id);
    expect(received.transactions.sort(byId)).toEqual([...transactions].sort(byId));
    expect(received.statements).toEqual([statement]);
  });
});
