// Where a Docker engine answers (a laptop, hosted CI), the same services come from containers via
// testcontainers: Kafka (apache/kafka, KRaft), ClickHouse (current) and MinIO for S3. Testcontainers'
// reaper removes them if this process dies. testcontainers is imported lazily: it is heavy and
// unused on machines without Docker.
import { spawnSync } from 'node:child_process';
import { freePort } from './ports.ts';
import { DevServiceError, type RunningService } from './service.ts';

const KAFKA_IMAGE = 'apache/kafka:3.9.1';
const CLICKHOUSE_IMAGE = 'clickhouse/clickhouse-server:latest';
const MINIO_IMAGE = 'minio/minio:latest';

/** True when `docker info` succeeds within a few seconds. */
export function dockerAvailable(): boolean {
  try {
    return spawnSync('docker', ['info'], { stdio: 'ignore', timeout: 10_000 }).status === 0;
  } catch {
    return false;
  }
}

export async function startKafkaContainer(): Promise<RunningService> {
  const { GenericContainer, Wait } = await import('testcontainers');
  // Kafka advertises the address clients must use, so the host port is fixed before the container starts.
  const hostPort = await freePort();
  try {
    const container = await new GenericContainer(KAFKA_IMAGE)
      .withExposedPorts({ container: 9092, host: hostPort })
      .withEnvironment({
        KAFKA_NODE_ID: '1',
        KAFKA_PROCESS_ROLES: 'broker,controller',
        KAFKA_LISTENERS: 'PLAINTEXT://0.0.0.0:9092,CONTROLLER://localhost:9093',
        KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://127.0.0.1:${hostPort}`,
        KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
        KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
        KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
        KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
        KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
        KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
        KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
      })
      .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
      .withStartupTimeout(120_000)
      .start();
    return { env: { KAFKA_BROKERS: `127.0.0.1:${hostPort}` }, stop: async () => void (await container.stop()) };
  } catch (err) {
    throw new DevServiceError('kafka', `container ${KAFKA_IMAGE} did not start: ${(err as Error).message}`);
  }
}

export async function startClickHouseContainer(): Promise<RunningService> {
  const { GenericContainer, Wait } = await import('testcontainers');
  const password = 'riskstream';
  try {
    const container = await new GenericContainer(CLICKHOUSE_IMAGE)
      .withExposedPorts(8123)
      .withEnvironment({ CLICKHOUSE_USER: 'default', CLICKHOUSE_PASSWORD: password, CLICKHOUSE_DEFAULT_ACCESS_MANAGEMENT: '1' })
      .withWaitStrategy(Wait.forHttp('/ping', 8123))
      .withStartupTimeout(120_000)
      .start();
    const url = `http://${container.getHost()}:${container.getMappedPort(8123)}`;
    return {
      env: { CLICKHOUSE_URL: url, CLICKHOUSE_USER: 'default', CLICKHOUSE_PASSWORD: password },
      stop: async () => void (await container.stop()),
    };
  } catch (err) {
    throw new DevServiceError('clickhouse', `container ${CLICKHOUSE_IMAGE} did not start: ${(err as Error).message}`);
  }
}

export async function startMinioContainer(bucket = 'riskstream-test'): Promise<RunningService> {
  const { GenericContainer, Wait } = await import('testcontainers');
  const [user, secret] = ['riskstream', 'riskstream-secret'];
  try {
    const container = await new GenericContainer(MINIO_IMAGE)
      .withCommand(['server', '/data'])
      .withExposedPorts(9000)
      .withEnvironment({ MINIO_ROOT_USER: user, MINIO_ROOT_PASSWORD: secret })
      .withWaitStrategy(Wait.forHttp('/minio/health/live', 9000))
      .withStartupTimeout(120_000)
      .start();
    const endpoint = `http://${container.getHost()}:${container.getMappedPort(9000)}`;
    const { S3Client, CreateBucketCommand } = await import('@aws-sdk/client-s3');
    const s3 = new S3Client({
      endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: user, secretAccessKey: secret },
    });
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    s3.destroy();
    return {
      env: {
        S3_ENDPOINT: endpoint,
        S3_BUCKET: bucket,
        S3_FORCE_PATH_STYLE: 'true',
        AWS_ACCESS_KEY_ID: user,
        AWS_SECRET_ACCESS_KEY: secret,
        AWS_REGION: 'us-east-1',
      },
      stop: async () => void (await container.stop()),
    };
  } catch (err) {
    throw new DevServiceError('s3', `container ${MINIO_IMAGE} did not start: ${(err as Error).message}`);
  }
}
