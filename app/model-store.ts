// Where models are stored: `<data-dir>/models/` when embedded, `s3://$S3_BUCKET/models/` in kafka
// mode with a bucket configured (the lake's store, rooted at the data dir or the bucket).
import { LocalLakeStore, type LakeStore } from '../connectors/sinks/lake-store.ts';
import { S3LakeStore } from '../connectors/sinks/s3-lake-store.ts';
import type { Settings } from './settings.ts';

export function openModelStore(settings: Settings): LakeStore {
  if (settings.backend === 'kafka' && settings.s3.bucket !== undefined) {
    return new S3LakeStore({ bucket: settings.s3.bucket, endpoint: settings.s3.endpoint, region: settings.s3.region });
  }
  return new LocalLakeStore(settings.dataDir);
}
