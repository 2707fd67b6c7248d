// The Kafka backend: kafkajs against a real cluster. See kafka-group-consumer.ts for how the
// pull-style consumer and rebalances map onto kafkajs, and kafka-producers.ts for fencing.
import type { Backend } from '../backend.ts';
import { KafkaAdmin } from './kafka-admin.ts';
import { createKafkaClient, type KafkaBackendConfig } from './kafka-client.ts';
import { KafkaGroupConsumer } from './kafka-group-consumer.ts';
import { KafkaPartitionReader } from './kafka-partition-reader.ts';
import { KafkaLogProducer, KafkaTransactionalProducer } from './kafka-producers.ts';

export type { KafkaBackendConfig } from './kafka-client.ts';

export function createKafkaBackend(config: KafkaBackendConfig): Backend {
  const kafka = createKafkaClient(config);
  const brokers = config.brokers;
  const sharedAdmin = new KafkaAdmin(kafka, brokers);
  const closables = new Set<{ close(): Promise<void> }>();
  const track = <T extends { close(): Promise<void> }>(c: T): T => {
    closables.add(c);
    return c;
  };
  const adminClient = () => sharedAdmin.client();
  return {
    kind: 'kafka',
    admin: () => track(new KafkaAdmin(kafka, brokers)),
    producer: async () => track(await KafkaLogProducer.open(kafka, brokers)),
    transactionalProducer: async (transactionalId) =>
      track(await KafkaTransactionalProducer.open(kafka, adminClient, brokers, transactionalId)),
    // Stream threads are ordinary members: the co-partitioned assigner spreads tasks over them.
    groupConsumer: async (groupId, options) => track(new KafkaGroupConsumer(kafka, adminClient, brokers, groupId, options?.thread)),
    holdGroup: async () => ({ release: () => undefined }),
    // The broker cannot keep members out: the lease checks on taking and on every verify.
    leaseIdleGroups: async (groupIds) => {
      const verify = () => sharedAdmin.requireIdleGroups(groupIds);
      await verify();
      return { verify, release: async () => undefined };
    },
    partitionReader: async () => track(new KafkaPartitionReader(kafka, adminClient, brokers)),
    close: async () => {
      for (const c of closables) await c.close().catch(() => {});
      closables.clear();
      await sharedAdmin.close();
    },
  };
}

/** Broker list from KAFKA_BROKERS ("host:port,host:port"). */
export function brokersFromEnv(env: NodeJS.ProcessEnv = process.env): string[] {
  return (env.KAFKA_BROKERS ?? '')
    .split(',')
    .map((b) => b.trim())
    .filter((b) => b.length > 0);
}
