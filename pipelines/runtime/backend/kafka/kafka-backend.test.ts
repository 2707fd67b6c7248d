import { describe, expect, it } from 'vitest';
import { backendContract } from '../backend-contract.ts';
import { BrokerConnectionError } from '../errors.ts';
import { brokersFromEnv, createKafkaBackend } from './kafka-backend.ts';

function brokers(): string[] {
  const list = brokersFromEnv();
  if (list.length === 0) {
    throw new Error('KAFKA_BROKERS is not set: the Kafka backend tests need a real broker (npm test starts one; or export KAFKA_BROKERS=host:port)');
  }
  return list;
}

backendContract('kafka', async () => {
  const backend = createKafkaBackend({ brokers: brokers(), clientId: 'riskstream-contract-test' });
  return {
    backend,
    // Over the broker's message.max.bytes: the broker rejects it after the other records of the
    // transaction were appended, so only the abort keeps them invisible.
    failingRecord: (topic) => ({ topic, key: null, partition: 0, value: Buffer.alloc(2 * 1024 * 1024, 1) }),
    cleanup: () => backend.close(),
  };
});

describe('kafka backend specifics', () => {
  it('names the broker list when Kafka cannot be reached', { timeout: 60_000 }, async () => {
    const backend = createKafkaBackend({ brokers: ['127.0.0.1:1'] });
    const failure = await backend.admin().listTopics().then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(failure).toBeInstanceOf(BrokerConnectionError);
    expect((failure as Error).message).toMatch(/^cannot reach Kafka at 127\.0\.0\.1:1: /);
    expect((failure as Error).message).not.toContain('\n');
    await backend.close();
  });
});
