// Which failures a running application waits out as a broker outage (redo from the last commit)
// and which it fails on.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { BackendError, BrokerConnectionError } from '../backend/errors.ts';
import { isBrokerUnreachable } from './broker-outage.ts';

const require = createRequire(import.meta.url);
const kafkajsErrors = require('kafkajs/src/errors') as Record<string, new (message: string) => Error>;

describe('isBrokerUnreachable', () => {
  it('waits out a commit of unknown outcome whose coordinator lookup failed while the broker restarted', () => {
    const lookup = new kafkajsErrors.KafkaJSGroupCoordinatorNotFound('Failed to find group coordinator');
    const commit = new BackendError('commit of transaction "t" has an unknown outcome: Failed to find group coordinator', {
      cause: new BackendError('commit of "t" failed', { cause: lookup }),
    });
    expect(isBrokerUnreachable(commit)).toBe(true);
  });

  it('waits out a refused connection, wrapped or not', () => {
    const refused = new BrokerConnectionError('cannot reach Kafka at 127.0.0.1:1: connect ECONNREFUSED');
    expect(isBrokerUnreachable(refused)).toBe(true);
    expect(isBrokerUnreachable(new BackendError('produce failed', { cause: refused }))).toBe(true);
  });

  it('fails on a non-retriable broker answer and on plain errors', () => {
    expect(isBrokerUnreachable(new kafkajsErrors.KafkaJSNonRetriableError('Topic authorization failed'))).toBe(false);
    expect(isBrokerUnreachable(new TypeError('x is undefined'))).toBe(false);
  });
});
