// The lake's S3 store holding the model registry (models/), against a real S3-compatible server
// (S3_ENDPOINT / S3_BUCKET from the vitest globalSetup). Kept here, out of `vitest run models`,
// which runs without services.
import { randomUUID } from 'node:crypto';
import { it } from 'vitest';
import { S3LakeStore } from './s3-lake-store.ts';
import { requireEnv } from '../../warehouse/testing/tcp-proxy.ts';
import { storeRoundtrip } from '../../models/testing/store-roundtrip.ts';

it('stores, lists, promotes and loads models in an S3 bucket', async () => {
  const store = new S3LakeStore({
    bucket: requireEnv('S3_BUCKET'),
    endpoint: requireEnv('S3_ENDPOINT'),
    prefix: `models-test-${randomUUID().slice(0, 8)}`,
  });
  try {
    await storeRoundtrip(store);
  } finally {
    await store.close();
  }
});
