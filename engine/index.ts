// The engine's public API: everything a pipeline, connector or application needs, and nothing
// that names a topic, schema or pipeline. Import from here, never from the engine's folders.

// DSL: build a topology
export { StreamsBuilder, type StreamOptions, type VersionedTableOptions, type BuilderOptions } from './dsl/streams-builder.ts';
export { KStream, type ToOptions, type TableJoinOptions, type StreamJoinOptions } from './dsl/kstream.ts';
export { GroupedStream, TimeWindowedStream, SessionWindowedStream, type AggregateOptions } from './dsl/grouped-stream.ts';
export { WindowedTable, untilWindowCloses, type Suppression } from './dsl/windowed-table.ts';
export { VersionedTable } from './dsl/versioned-table.ts';
export { KTable, GroupedTable, type TableGroupByOptions, type TableAggregateOptions } from './dsl/ktable.ts';
export type { TableOptions } from './dsl/streams-builder.ts';
export type { Change } from './tables/change.ts';
export { TimeWindows, SessionWindows, WindowSpecError, type Windowed, type Aggregator, type EmitMode } from './windows/window-specs.ts';
export { Topology, TopologyError } from './topology/topology.ts';
export type { Processor, ProcessorSupplier, ProcessorContext, PunctuationType, RecordOrigin } from './processors/processor.ts';

// Serdes
export { stringSerde, v8Serde, jsonSerde, alsoReadingV8, SerdeDecodeError, V8_VERSION_TAG, type Serde } from './serdes/serde.ts';
export { tombstonesAsNull } from './tables/tombstones.ts';

// State
export type { StateStore, StoreSpec, ChangelogEntry } from './state/state-store.ts';
export { changelogTopicOf } from './state/state-store.ts';
export { KeyValueStore, keyValueStore } from './state/key-value-store.ts';
export { TimerStore, timerStore, type TimerService } from './state/timer-store.ts';
export { TimerSetupError } from './tasks/stream-task.ts';
export { CustomStateStore, customStore, stringKeyCodec, type StoreCodec, type CustomStoreOptions } from './state/custom-state-store.ts';
export { SortedKeyValueStore, sortedKeyValueStore } from './state/sorted-key-value-store.ts';
export { TableStore, tableStore } from './state/table-store.ts';
export { LocalTaskState } from './state/local-state.ts';
export { restoreTaskStores } from './state/state-restorer.ts';
// Heaps for custom stores (indexed by string id, struct-of-arrays, 10M entries in one process)
export { IndexedHeap, type HeapEntry } from './heap/indexed-heap.ts';
export { GroupedHeaps } from './heap/grouped-heaps.ts';
export { SlotStrings } from './heap/slot-strings.ts';
export { SlotHeap, SlotPositions, type SlotOrder, grownInt32, grownFloat64, grownUint8 } from './heap/slot-heap.ts';

// Interactive queries: reading a running application's queryable stores
export {
  StoreQueryError,
  mergeByKey,
  compareKeys,
  type StoreQuery,
  type KeyQuery,
  type RangeQuery,
  type CustomQuery,
  type QueryRow,
  type QueryableStore,
  type QueryMerge,
} from './queries/store-query.ts';
export { answerQuery, queryableSpecs, partitionOfKey, type QueryAnswer, type QueryableTask } from './queries/query-router.ts';
export type { StateQueryTarget, StoreMetadata } from './queries/query-target.ts';
export {
  startStateQueryServer,
  queryTargets,
  type StateQueryServer,
  type StateQueryServerOptions,
  type QueryEndpoint,
  type ProcessMetadata,
} from './queries/query-server.ts';
export {
  advertisedEndpoints,
  queryEndpoint,
  queryEndpoints,
  endpointMetadata,
  queryMetadataForKey,
  type KeyQueryMetadata,
  type FannedOutAnswer,
} from './queries/query-client.ts';
export { queryLocalState, localTasksOf } from './queries/local-state-reader.ts';
export { queryCommittedState, committedTasksOf } from './queries/committed-state-reader.ts';

// Running a topology
export { settledOnce } from './streams/settled-once.ts';
export { StreamsApp, StreamsAppError, type StreamsAppOptions, type StreamsProgress, type AppState } from './streams/streams-app.ts';
export { StreamThreads, type StreamThreadFactory, type StreamThreadsOptions } from './streams/stream-threads.ts';
export type { StreamThreadApp, StreamThreadAppFactory } from './streams/stream-thread-worker.ts';
export type { ProcessingGuarantee } from './commit/partition-committer.ts';
export { dlqTopicOf, deadLetterOf } from './tasks/dead-letters.ts';
export {
  DEFAULT_EVENT_TIME_BOUNDS,
  EventTimeOutOfRangeError,
  eventTimeOutOfRange,
  describeTime,
  describeSkew,
  type EventTimeBounds,
} from './tasks/event-time-bounds.ts';

// Backends: the log the engine runs on
export type {
  Backend,
  GroupConsumer,
  Headers,
  IdleGroupsLease,
  LogAdmin,
  LogProducer,
  LogRecord,
  ProduceRecord,
  StreamThreadSlot,
  TopicConfig,
  TopicInfo,
  TopicPartition,
  TopicPartitionOffset,
  TransactionalProducer,
} from './backend/backend.ts';
export { NO_HEADERS } from './backend/backend.ts';
export * from './backend/errors.ts';
export { createEmbeddedBackend } from './backend/embedded/embedded-backend.ts';
export { openBackend, type BackendSpec } from './backend/open-backend.ts';
export type { KafkaBackendConfig } from './backend/kafka/kafka-client.ts';

// Bundles of riskstream's TypeScript (the CLI's dist/, the stream threads'): esbuild plugin and staleness check
export { BUNDLE_OPTIONS, moduleUrlOfSource } from './bundling/module-url-of-source.ts';
export { manifestOf, inputsUnchanged, bundleIsCurrent, type BundleManifest } from './bundling/bundle-manifest.ts';

// Errors, logs
export { withBackoff, isRetriable, BACKEND_RETRY, type BackoffOptions } from './errors/retry.ts';
export { isBrokerUnreachable, reconnectAfterOutage, closeAbandoned, BROKER_OUTAGE_GRACE_MS } from './errors/broker-outage.ts';
export { logger, setLogLevel, type Logger } from './observability/logger.ts';

// Processes: taking over what a killed process left behind
export { isProcessAlive } from './processes/is-process-alive.ts';

// Testing: backends for topology tests (embedded on a temp dir, Kafka on the test broker)
export { testEnv, testEnvAt, readTopic, seededRandom, BACKEND_KINDS, type BackendKind, type TestEnv } from './testing/test-backends.ts';
