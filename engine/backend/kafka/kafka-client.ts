// The kafkajs client shared by one Kafka backend, its config type, and the translation of
// kafkajs errors into the backend's named errors (one line, naming the brokers).
import { Kafka, logLevel, type LogEntry, type SASLOptions } from 'kafkajs';
import { logger } from '../../observability/logger.ts';
import { BackendError, BrokerConnectionError, ProducerFencedError } from '../errors.ts';

export interface KafkaBackendConfig {
  brokers: string[];
  clientId?: string;
  ssl?: boolean;
  sasl?: { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: string };
}

const kafkajsLog = logger.child({ component: 'kafkajs' });

export function createKafkaClient(config: KafkaBackendConfig): Kafka {
  if (config.brokers.length === 0) throw new BrokerConnectionError('no Kafka brokers configured (set KAFKA_BROKERS)');
  return new Kafka({
    clientId: config.clientId ?? 'riskstream',
    brokers: config.brokers,
    ssl: config.ssl,
    sasl: config.sasl as SASLOptions | undefined,
    connectionTimeout: 5_000,
    // Retriable errors (a leader moving, a coordinator loading, a new topic's metadata) mostly
    // clear within milliseconds: start the backoff at 25 ms. Nine doublings, capped at 5 s, give
    // up after ~11 s, as six from 200 ms did.
    retry: { initialRetryTime: 25, retries: 9, maxRetryTime: 5_000 },
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ namespace, level, log }: LogEntry) => {
        const { message, ...extra } = log;
        const entry = { namespace, ...extra };
        if (kafkajsLogLevel(namespace, level, message) === 'warn') kafkajsLog.warn(entry, message);
        else kafkajsLog.debug(entry, message);
      },
  });
}

/**
 * What a kafkajs log line is to a riskstream user. kafkajs reports routine rebalances at ERROR;
 * they are warnings for us. Bounded retries are deliberate (a down broker must fail, not hang; a
 * failed transaction is aborted as a whole, so exactly-once does not rest on them), and a retry
 * that does not succeed in the end reaches the caller as one error line naming the brokers
 * (toBackendError): each attempt is debug detail, not a warning a user must read. That covers
 * connection attempts and kafkajs' "Failed to send messages", logged before each retry of a
 * produce request, e.g. CONCURRENT_TRANSACTIONS right after the previous transaction's EndTxn.
 */
export function kafkajsLogLevel(namespace: string, level: logLevel, message: string): 'warn' | 'debug' {
  const routine =
    message.startsWith('Limiting retries for the idempotent producer') ||
    namespace === 'Connection' ||
    message.startsWith('Failed to connect to seed broker') ||
    message.startsWith('Failed to send messages: ');
  return !routine && (level === logLevel.ERROR || level === logLevel.WARN) ? 'warn' : 'debug';
}

interface KafkaJsErrorLike {
  name?: string;
  type?: string;
  code?: number | string;
  message?: string;
  retriable?: boolean;
  cause?: unknown;
  originalError?: unknown;
}

function chain(err: unknown): KafkaJsErrorLike[] {
  const out: KafkaJsErrorLike[] = [];
  let current: unknown = err;
  while (current !== null && typeof current === 'object' && out.length < 10) {
    const e = current as KafkaJsErrorLike;
    out.push(e);
    current = e.originalError ?? e.cause;
  }
  return out;
}

const CONNECTION_ERRORS = new Set([
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSBrokerNotFound',
  'KafkaJSRequestTimeoutError',
  'KafkaJSSASLAuthenticationError',
]);
const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ETIMEDOUT', 'ECONNRESET']);

export function isConnectionError(err: unknown): boolean {
  return chain(err).some((e) => CONNECTION_ERRORS.has(e.name ?? '') || CONNECTION_CODES.has(String(e.code ?? '')));
}

/** INVALID_PRODUCER_EPOCH (47) or PRODUCER_FENCED (90): a newer producer took our transactional id. */
export function isFencedError(err: unknown): boolean {
  return chain(err).some(
    (e) =>
      e.type === 'INVALID_PRODUCER_EPOCH' ||
      e.type === 'PRODUCER_FENCED' ||
      e.code === 47 ||
      e.code === 90 ||
      /fenced/i.test(e.message ?? ''),
  );
}

export function hasErrorType(err: unknown, type: string): boolean {
  return chain(err).some((e) => e.type === type);
}

function rootMessage(err: unknown): string {
  const all = chain(err);
  const deepest = all[all.length - 1];
  return (deepest?.message ?? String(err)).split('\n')[0];
}

/**
 * Turns a kafkajs failure into a named backend error with a one-line message:
 * "cannot reach Kafka at host:9092: Connection error: connect ECONNREFUSED ..." for connectivity,
 * "<what> failed on Kafka at host:9092: ..." otherwise. Backend errors pass through unchanged.
 */
export function toBackendError(err: unknown, brokers: string[], what: string, transactionalId?: string): Error {
  if (err instanceof BackendError) return err;
  const where = brokers.join(',');
  if (transactionalId !== undefined && isFencedError(err)) return new ProducerFencedError(transactionalId, rootMessage(err));
  if (isConnectionError(err))
    return new BrokerConnectionError(`cannot reach Kafka at ${where}: ${rootMessage(err)}`, { retriable: true, cause: err });
  const retriable = chain(err).some((e) => e.retriable === true);
  return new BackendError(`${what} failed on Kafka at ${where}: ${rootMessage(err)}`, { retriable, cause: err });
}

/** Runs `action`, translating any failure with toBackendError. */
export async function translated<T>(brokers: string[], what: string, action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (err) {
    throw toBackendError(err, brokers, what);
  }
}
