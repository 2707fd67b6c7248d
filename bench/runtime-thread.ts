// The bench's stream-thread factories: each thread opens its own backend and serde and builds the
// topology of the run, risk-features, debtor-priority or the plain windowed aggregation (see
// engine/streams/stream-threads.ts).
import path from 'node:path';
import { pino } from 'pino';
import type { StreamThreadSlot, StreamThreadApp, ProcessingGuarantee, Topology } from '../engine/index.ts';
import { debtorPriorityTopology } from '../pipelines/debtor-priority/topology.ts';
import { riskFeaturesTopology } from '../pipelines/risk-features/topology.ts';
import { FileSchemaRegistry } from '../schemas/registry/file-registry.ts';
import { AvroSerde } from '../schemas/serde.ts';
import { windowedAggregateTopology } from './windowed-aggregate-topology.ts';
import { consumeOnlyTopology, outputsOnlyTopology } from './stage-topologies.ts';

export interface BenchThreadArgs {
  /** Embedded log data dir, or Kafka brokers. */
  log: { kind: 'embedded'; dataDir: string } | { kind: 'kafka'; brokers: string[] };
  registryDir: string;
  stateDir: string;
  applicationId: string;
  guarantee: ProcessingGuarantee;
}

export function benchRiskFeaturesApp(raw: unknown, thread: StreamThreadSlot): Promise<StreamThreadApp> {
  return benchApp(raw as BenchThreadArgs, thread, (serde) => riskFeaturesTopology(serde));
}

export function benchDebtorPriorityApp(raw: unknown, thread: StreamThreadSlot): Promise<StreamThreadApp> {
  return benchApp(raw as BenchThreadArgs, thread, (serde) => debtorPriorityTopology(serde));
}

export function benchWindowedAggregateApp(raw: unknown, thread: StreamThreadSlot): Promise<StreamThreadApp> {
  return benchApp(raw as BenchThreadArgs, thread, (serde, registry) => windowedAggregateTopology(serde, registry));
}

export function benchConsumeOnlyApp(raw: unknown, thread: StreamThreadSlot): Promise<StreamThreadApp> {
  return benchApp(raw as BenchThreadArgs, thread, (serde, registry) => consumeOnlyTopology(serde, registry));
}

export function benchOutputsOnlyApp(raw: unknown, thread: StreamThreadSlot): Promise<StreamThreadApp> {
  return benchApp(raw as BenchThreadArgs, thread, (serde, registry) => outputsOnlyTopology(serde, registry));
}

async function benchApp(
  args: BenchThreadArgs,
  thread: StreamThreadSlot,
  topology: (serde: AvroSerde, registry: FileSchemaRegistry) => Topology,
): Promise<StreamThreadApp> {
  // Only the backend in use is loaded: each thread loads its own copy of the modules.
  const backend =
    args.log.kind === 'embedded'
      ? (await import('../engine/backend/embedded/embedded-backend.ts')).createEmbeddedBackend(args.log.dataDir)
      : (await import('../engine/backend/kafka/kafka-backend.ts')).createKafkaBackend({
          brokers: args.log.brokers,
          clientId: `bench-runtime-${thread.index}`,
        });
  const registry = new FileSchemaRegistry(path.resolve(args.registryDir));
  const serde = new AvroSerde(registry);
  return {
    options: {
      applicationId: args.applicationId,
      topology: topology(serde, registry),
      backend,
      stateDir: args.stateDir,
      guarantee: args.guarantee,
      logger: pino({ level: process.env.BENCH_LOG_LEVEL ?? 'warn' }),
    },
    close: () => backend.close(),
  };
}
