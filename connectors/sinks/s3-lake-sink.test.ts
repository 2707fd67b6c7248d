// The lake sink against a real S3-compatible server (S3_ENDPOINT / S3_BUCKET from the vitest
// globalSetup), read back with ClickHouse's s3() reader. The server is taken away mid-run by a TCP
// proxy in front of it: the sink retries, and the final files are exactly those of an undisturbed run.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChdbWarehouse } from '../../warehouse/chdb-warehouse.ts';
import { requireEnv, TcpProxy } from '../../warehouse/testing/tcp-proxy.ts';
import { LocalLakeStore } from './lake-store.ts';
import { ParquetLakeSink } from './parquet-lake-sink.ts';
import { S3LakeStore } from './s3-lake-store.ts';
import type { SinkRecord } from './sink.ts';
import { lakeRows } from './testing/lake-reader.ts';
import { transaction } from './testing/records.ts';

const root = mkdtempSync(join(tmpdir(), 'rs-s3-'));
const prefix = `s3-sink-test-${randomUUID().slice(0, 8)}`;
const signal = new AbortController().signal;
let endpoint: string;
let bucket: string;
let proxy: TcpProxy;
let wh: ChdbWarehouse;

beforeAll(async () => {
  endpoint = requireEnv('S3_ENDPOINT');
  bucket = requireEnv('S3_BUCKET');
  proxy = await TcpProxy.start(endpoint);
  wh = await ChdbWarehouse.open(join(root, 'data'));
});
afterAll(async () => {
  await wh?.close();
  await proxy?.down();
  rmSync(root, { recursive: true, force: true });
});

const records: SinkRecord[] = Array.from({ length: 120 }, (_, i) => ({
  topic: 'transactions',
  partition: i % 3,
  offset: Math.floor(i / 3),
  row: transaction(i) as unknown as Record<string, unknown>,
}));

function s3Source(keyGlob: string): string {
  const key = process.env.AWS_ACCESS_KEY_ID ?? '';
  const secret = process.env.AWS_SECRET_ACCESS_KEY ?? '';
  return `s3('${endpoint.replace(/\/$/, '')}/${bucket}/${prefix}/${keyGlob}', '${key}', '${secret}', 'Parquet')`;
}

describe('ParquetLakeSink on S3', () => {
  it('survives the S3 server going away mid-run: same files, same rows as an undisturbed run', async () => {
    const store = new S3LakeStore({ bucket, endpoint: proxy.url(endpoint), region: process.env.AWS_REGION, prefix });
    const sink = new ParquetLakeSink(store, { chunkOffsets: 8, retry: { initialDelayMs: 50, maxDelayMs: 400 } });
    await sink.write(records.slice(0, 40), signal);
    await proxy.down();
    const pending = sink.write(records.slice(40), signal).then(() => sink.flush(signal));
    await new Promise((r) => setTimeout(r, 1_500));
    await proxy.up();
    await pending;

    const local = join(root, 'lake');
    const reference = new ParquetLakeSink(new LocalLakeStore(local), { chunkOffsets: 8 });
    await reference.write(records, signal);
    await reference.flush(signal);

    const keys = (await store.list('transactions/')).sort();
    const referenceKeys = await listLocal(local);
    expect(keys).toEqual(referenceKeys);
    const fromS3 = await lakeRows(wh, s3Source('transactions/*/*.parquet'));
    expect(fromS3).toHaveLength(120);
    expect(fromS3).toEqual(await lakeRows(wh, `file('${local}/transactions/*/*.parquet', Parquet)`));
    await sink.close();
  });

  it('a replay rewrites the same keys and deletes the partial files it supersedes', async () => {
    const store = new S3LakeStore({ bucket, endpoint, region: process.env.AWS_REGION, prefix: `${prefix}-replay` });
    const partial = new ParquetLakeSink(store, { chunkOffsets: 8 });
    await partial.write(records.slice(0, 50), signal);
    await partial.flush(signal);
    const replay = new ParquetLakeSink(new S3LakeStore({ bucket, endpoint, region: process.env.AWS_REGION, prefix: `${prefix}-replay` }), {
      chunkOffsets: 8,
    });
    await replay.write(records, signal);
    await replay.flush(signal);
    const local = join(root, 'lake');
    expect((await store.list('transactions/')).sort()).toEqual(await listLocal(local));
    await partial.close();
    await replay.close();
  });
});

async function listLocal(dir: string): Promise<string[]> {
  const local = new LocalLakeStore(dir);
  const days = (await local.list('transactions/')).map((d) => `${d}/`);
  return (await Promise.all(days.map((d) => local.list(d)))).flat().sort();
}
