// Starts the four services tests and people need: Kafka, the schema registry, ClickHouse and S3.
// For each, in order of preference: one already given by the environment (KAFKA_BROKERS, SCHEMA_REGISTRY_URL,
// CLICKHOUSE_URL, S3_ENDPOINT), a container when Docker answers, else a local process from Maven/apt/npm.
import { startClickHouse } from './clickhouse.ts';
import { dockerAvailable, startClickHouseContainer, startKafkaContainer, startMinioContainer } from './containers.ts';
import { startKafka } from './kafka.ts';
import { startS3 } from './s3.ts';
import { startSchemaRegistry } from './schema-registry.ts';
import { externalService, type RunningService } from './service.ts';

export type ServiceName = 'kafka' | 'schema-registry' | 'clickhouse' | 's3';
export const ALL_SERVICES: readonly ServiceName[] = ['kafka', 'schema-registry', 'clickhouse', 's3'];
export type ServiceSource = 'environment' | 'docker' | 'local';

export interface DevServices {
  /** Every variable a client needs, merged (KAFKA_BROKERS, SCHEMA_REGISTRY_URL, CLICKHOUSE_URL, S3_ENDPOINT, S3_BUCKET, ...). */
  env: Record<string, string>;
  /** Where each service came from, and how long it took to be ready (ms). */
  started: Record<string, { source: ServiceSource; ms: number }>;
  stop(): Promise<void>;
}

/** The variables that, when set, name a running service to use instead of starting one. */
const EXTERNAL_ENV: Record<ServiceName, { required: string; also: string[] }> = {
  kafka: { required: 'KAFKA_BROKERS', also: [] },
  'schema-registry': { required: 'SCHEMA_REGISTRY_URL', also: ['SCHEMA_REGISTRY_USERNAME', 'SCHEMA_REGISTRY_PASSWORD'] },
  clickhouse: { required: 'CLICKHOUSE_URL', also: ['CLICKHOUSE_USER', 'CLICKHOUSE_PASSWORD'] },
  s3: { required: 'S3_ENDPOINT', also: ['S3_BUCKET', 'S3_FORCE_PATH_STYLE', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_REGION'] },
};

function fromEnvironment(name: ServiceName, env: NodeJS.ProcessEnv): RunningService | undefined {
  const { required, also } = EXTERNAL_ENV[name];
  const value = env[required];
  if (!value) return undefined;
  const picked: Record<string, string> = { [required]: value };
  for (const key of also) if (env[key] !== undefined) picked[key] = env[key] as string;
  return externalService(picked);
}

function starter(name: ServiceName, docker: boolean): () => Promise<RunningService> {
  switch (name) {
    case 'kafka':
      return docker ? startKafkaContainer : () => startKafka();
    case 'clickhouse':
      return docker ? startClickHouseContainer : () => startClickHouse();
    case 's3':
      return docker ? () => startMinioContainer() : () => startS3();
    case 'schema-registry':
      // Ours in every case: it is small, and speaks the Confluent API.
      return () => startSchemaRegistry();
  }
}

export async function startDevServices(
  opts: { only?: readonly ServiceName[]; env?: NodeJS.ProcessEnv; docker?: boolean } = {},
): Promise<DevServices> {
  const env = opts.env ?? process.env;
  const names = opts.only ?? ALL_SERVICES;
  const needsStarting = names.some((n) => n !== 'schema-registry' && !fromEnvironment(n, env));
  const docker = needsStarting && (opts.docker ?? (env.RISKSTREAM_DEV_DOCKER !== '0' && dockerAvailable()));

  const started: DevServices['started'] = {};
  const results = await Promise.allSettled(
    names.map(async (name) => {
      const t0 = Date.now();
      const given = fromEnvironment(name, env);
      const service = given ?? (await starter(name, docker)());
      const source: ServiceSource = given ? 'environment' : docker && name !== 'schema-registry' ? 'docker' : 'local';
      started[name] = { source, ms: Date.now() - t0 };
      return service;
    }),
  );
  const running = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const stopAll = async (): Promise<void> => {
    await Promise.allSettled(running.map((s) => s.stop()));
  };
  const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as Error] : []));
  if (failures.length > 0) {
    await stopAll();
    // One line per failed service; the first is what callers usually show.
    const error = new Error(failures.map((f) => f.message).join('; '));
    error.name = failures[0].name;
    throw error;
  }
  return { env: Object.assign({}, ...running.map((s) => s.env)) as Record<string, string>, started, stop: stopAll };
}
