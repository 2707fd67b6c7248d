// The bench's stream-thread factory: each thread opens its own backend and serde and builds the
// risk-features topology (see pipelines/runtime/app/stream-threads.ts).
import path from 'node:path';
import { pino } from 'pino';
import type { StreamThreadSlot } from '../pipelines/runtime/backend/backend.ts';
import type { StreamThreadApp } from '../pipelines/runtime/app/stream-thread-worker.ts';
import type { ProcessingGuarantee } from '../pipelines/runtime/commit/partition-committer.ts';
import { riskFeaturesTopology } from '../pipelines/risk-features/topology.ts';
import { FileSchemaRegistry } from '../schemas/registry/file-registry.ts';
import { AvroSerde } from '../schemas/serde.ts';

export interface BenchThreadArgs {
  /** Embedded log data dir, or Kafka brokers. */
  log: { kind: 'embedded'; dataDir: string } | { kind: 'kafka'; brokers: string[] };
  registryDir: string;
  stateDir: string;
  applicationId: string;
  guarantee: ProcessingGuarantee;
}

export async function benchRiskFeaturesApp(raw: unknown, thread: StreamThreadSlot): Promise<StreamThreadApp> {
  const args = raw as BenchThreadArgs;
  // Only the backend in use is loaded: each thread loads its own copy of the modules.
  const backend =
    args.log.kind === 'embedded'
      ? (await import('../pipelines/runtime/backend/embedded/embedded-backend.ts')).createEmbeddedBackend(args.log.dataDir)
      : (await import('../pipelines/runtime/backend/kafka/kafka-backend.ts')).createKafkaBackend({ brokers: args.log.brokers, clientId: `bench-runtime-${thread.index}` });
  const serde = new AvroSerde(new FileSchemaRegistry(path.resolve(args.registryDir)));
  return {
    options: {
      applicationId: args.applicationId,
      topology: riskFeaturesTopology(serde),
      backend,
      stateDir: args.stateDir,
      guarantee: args.guarantee,
      logger: pino({ level: process.env.BENCH_LOG_LEVEL ?? 'warn' }),
    },
    close: () => backend.close(),
  };
}
