// Which kafkajs log lines reach a user as warnings: a retry attempt that kafkajs makes by itself is
// debug detail (its final failure reaches the caller as an error), anything else kafkajs reports at
// ERROR or WARN is a warning. The messages are kafkajs 2.2.4's own.
import { logLevel } from 'kafkajs';
import { expect, it } from 'vitest';
import { kafkajsLogLevel } from './kafka-client.ts';

it('a produce request that kafkajs retries is debug detail, a failure it gives up on is a warning', () => {
  // sendMessages.js logs this before each retry, e.g. CONCURRENT_TRANSACTIONS right after an EndTxn.
  const retried =
    'Failed to send messages: The producer attempted to update a transaction while another concurrent operation on the same transaction was ongoing';
  expect(kafkajsLogLevel('Producer', logLevel.ERROR, retried)).toBe('debug');
  // ... and this once it bails out: not retried, so the user hears of it.
  const fenced = 'There is a newer producer with the same transactionalId which fences the current one';
  expect(kafkajsLogLevel('Producer', logLevel.ERROR, fenced)).toBe('warn');
});

it('connection attempts are debug detail; rebalances and other errors are warnings; info is debug', () => {
  expect(kafkajsLogLevel('Connection', logLevel.ERROR, 'Connection error: connect ECONNREFUSED 127.0.0.1:9')).toBe('debug');
  expect(
    kafkajsLogLevel(
      'BrokerPool',
      logLevel.ERROR,
      'Failed to connect to seed broker, trying another broker from the list: Connection error',
    ),
  ).toBe('debug');
  expect(
    kafkajsLogLevel('Messageproducer', logLevel.WARN, 'Limiting retries for the idempotent producer may invalidate EoS guarantees'),
  ).toBe('debug');
  expect(kafkajsLogLevel('Runner', logLevel.WARN, 'The group is rebalancing, re-joining')).toBe('warn');
  expect(kafkajsLogLevel('Consumer', logLevel.ERROR, 'Restarting the consumer in 25ms')).toBe('warn');
  expect(kafkajsLogLevel('Consumer', logLevel.INFO, 'Starting')).toBe('debug');
});
