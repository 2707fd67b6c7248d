// Copies a table's lake files from an S3 bucket into <dataDir>/lake/<table>, so lakeSnapshot() reads
// an S3 lake back the same way as a local one (chDB's file() over the same relative names).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { S3LakeStore } from '../../connectors/sinks/s3-lake-store.ts';

export async function copyS3Lake(opts: { endpoint: string; bucket: string; table: string; dataDir: string }): Promise<number> {
  const store = new S3LakeStore({ bucket: opts.bucket, endpoint: opts.endpoint });
  const client = new S3Client({ endpoint: opts.endpoint, forcePathStyle: true, region: 'us-east-1' });
  try {
    const keys = await store.list(`${opts.table}/`);
    for (const key of keys) {
      const object = await client.send(new GetObjectCommand({ Bucket: opts.bucket, Key: key }));
      const path = join(opts.dataDir, 'lake', key);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, await object.Body!.transformToByteArray());
    }
    return keys.length;
  } finally {
    client.destroy();
    await store.close();
  }
}
