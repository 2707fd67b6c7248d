// The services the global setup started answer as real servers do, and a taken port fails in one clear line.
import net from 'node:net';
import { createClient } from '@clickhouse/client';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { startClickHouse } from './clickhouse.ts';
import { startKafka } from './kafka.ts';
import { startS3 } from './s3.ts';
import { startSchemaRegistry } from './schema-registry.ts';

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: dev/vitest-global-setup.ts did not run`);
  return value;
}

describe('dev services from the global setup', () => {
  it('exports every address to the test workers', () => {
    for (const name of ['KAFKA_BROKERS', 'SCHEMA_REGISTRY_URL', 'CLICKHOUSE_URL', 'S3_ENDPOINT', 'S3_BUCKET']) {
      expect(process.env[name], name).toBeTruthy();
    }
  });

  it('Kafka answers metadata with one broker and a controller', async () => {
    const admin = new Kafka({ brokers: env('KAFKA_BROKERS').split(','), logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      const cluster = await admin.describeCluster();
      expect(cluster.brokers).toHaveLength(1);
      expect(cluster.controller).toBe(cluster.brokers[0].nodeId);
    } finally {
      await admin.disconnect();
    }
  });

  it('ClickHouse answers a query through @clickhouse/client', async () => {
    const client = createClient({
      url: env('CLICKHOUSE_URL'),
      username: process.env.CLICKHOUSE_USER ?? 'default',
      password: process.env.CLICKHOUSE_PASSWORD ?? '',
    });
    try {
      const rows = await (
        await client.query({ query: 'SELECT number * 7 AS n, toString(number) AS s FROM system.numbers LIMIT 3', format: 'JSONEachRow' })
      ).json<{ n: number | string; s: string }>();
      expect(rows.map((r) => [Number(r.n), r.s])).toEqual([
        [0, '0'],
        [7, '1'],
        [14, '2'],
      ]);
    } finally {
      await client.close();
    }
  });

  it('S3 stores and returns an object in the bucket', async () => {
    const s3 = new S3Client({
      endpoint: env('S3_ENDPOINT'),
      region: process.env.AWS_REGION ?? 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: env('AWS_ACCESS_KEY_ID'), secretAccessKey: env('AWS_SECRET_ACCESS_KEY') },
    });
    try {
      const key = `dev-test/${process.pid}-${Date.now()}.txt`;
      const body = 'riskstream: 12345 cents';
      await s3.send(new PutObjectCommand({ Bucket: env('S3_BUCKET'), Key: key, Body: body, ContentType: 'text/plain' }));
      const got = await s3.send(new GetObjectCommand({ Bucket: env('S3_BUCKET'), Key: key }));
      expect(await got.Body?.transformToString()).toBe(body);
    } finally {
      s3.destroy();
    }
  });
});

describe('a port already in use', () => {
  const blockers: net.Server[] = [];
  afterAll(async () => {
    await Promise.all(blockers.map((s) => new Promise((resolve) => s.close(resolve))));
  });

  async function blockAPort(): Promise<number> {
    const server = net.createServer();
    blockers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    return (server.address() as net.AddressInfo).port;
  }

  it.each([
    ['s3', (port: number) => startS3({ port })],
    ['schema-registry', (port: number) => startSchemaRegistry({ port })],
    ['clickhouse', (port: number) => startClickHouse({ httpPort: port })],
    ['kafka', (port: number) => startKafka({ port })],
  ])('%s fails with one line naming the port', async (service, start) => {
    const port = await blockAPort();
    const error = await start(port).then(
      () => undefined,
      (err: Error) => err,
    );
    expect(error?.message).toBe(`${service}: port ${port} on 127.0.0.1 is already in use (EADDRINUSE)`);
    expect(error?.message).not.toContain('\n');
  });
});

describe('a missing tool', () => {
  it('java missing fails with one line naming it', async () => {
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      await expect(startKafka()).rejects.toThrow(
        /^kafka: 'java' not found on PATH \(install a JDK 17\+: apt-get install -y openjdk-17-jre-headless\)$/,
      );
    } finally {
      process.env.PATH = path;
    }
  });
});
