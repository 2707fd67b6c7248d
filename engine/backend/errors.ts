// Errors both backends raise, as named classes with a `retriable` flag (the kafkajs convention):
// the engine retries retriable ones with backoff and shuts the task down on the others.

export class BackendError extends Error {
  readonly retriable: boolean;
  constructor(message: string, options: { retriable?: boolean; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.retriable = options.retriable ?? false;
  }
}

/** A topic that was never created (or was deleted). */
export class UnknownTopicError extends BackendError {
  constructor(
    readonly topic: string,
    where: string,
  ) {
    super(`unknown topic "${topic}" in ${where}`);
  }
}

/** createTopics on an existing topic with a different partition count. */
export class TopicConflictError extends BackendError {}

/** A partition number outside the topic's partitions. */
export class UnknownPartitionError extends BackendError {}

/** Another producer with the same transactional id took over: this one must stop writing. */
export class ProducerFencedError extends BackendError {
  constructor(
    readonly transactionalId: string,
    detail: string,
  ) {
    super(`producer "${transactionalId}" was fenced by a newer instance with the same transactional id: ${detail}`);
  }
}

/** A transaction that did not commit; none of its records or offsets are visible. */
export class TransactionAbortedError extends BackendError {}

/** A second live member of a consumer group where the backend supports only one. */
export class GroupMemberConflictError extends BackendError {}

/** Changing a group's committed offsets while it has active members. */
export class GroupActiveError extends BackendError {}

/** The log's files are not in the shape this code writes. */
export class LogCorruptError extends BackendError {}

/** The Kafka cluster could not be reached or refused us (names the broker list). */
export class BrokerConnectionError extends BackendError {}

/** Use of a producer, consumer or reader after close(). */
export class ClosedError extends BackendError {}
