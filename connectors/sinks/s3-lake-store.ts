// The lake in an S3 bucket (kafka mode). Multipart Upload (@aws-sdk/lib-storage) for large files;
// S3_ENDPOINT (MinIO, s3rver, ...) with path-style addressing; credentials from the AWS default chain.
import { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, NoSuchKey, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { LakeStore } from './lake-store.ts';

export interface S3LakeStoreOptions {
  bucket: string;
  endpoint?: string;
  region?: string;
  /** Key prefix inside the bucket ('' = the bucket root: <table>/dt=<day>/<file>.parquet). */
  prefix?: string;
}

const RETRIABLE_S3 = new Set(['TimeoutError', 'RequestTimeout', 'SlowDown', 'InternalError', 'ServiceUnavailable', 'ThrottlingException']);
const RETRIABLE_NET = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'EAI_AGAIN', 'ENOTFOUND']);

/** Unreachable endpoint, 5xx, throttling: worth retrying. */
export function isRetriableS3Error(err: unknown): boolean {
  const e = err as { name?: string; code?: string; $metadata?: { httpStatusCode?: number }; cause?: unknown; message?: string };
  if (!e) return false;
  if (e.code && RETRIABLE_NET.has(e.code)) return true;
  if (e.name && RETRIABLE_S3.has(e.name)) return true;
  if ((e.$metadata?.httpStatusCode ?? 0) >= 500) return true;
  if (/ECONNREFUSED|ECONNRESET|socket hang up|EPIPE/.test(e.message ?? '')) return true;
  return e.cause !== undefined && e.cause !== err && isRetriableS3Error(e.cause);
}

export class S3LakeStore implements LakeStore {
  readonly root: string;
  private readonly client: S3Client;
  private readonly prefix: string;

  constructor(private readonly opts: S3LakeStoreOptions) {
    this.prefix = opts.prefix ? opts.prefix.replace(/\/?$/, '/') : '';
    this.root = `s3://${opts.bucket}${this.prefix ? `/${this.prefix.slice(0, -1)}` : ''}`;
    this.client = new S3Client({
      endpoint: opts.endpoint,
      forcePathStyle: opts.endpoint !== undefined,
      region: opts.region ?? 'us-east-1',
      // The sink retries with its own backoff (and stops at shutdown); one SDK retry is enough.
      maxAttempts: 2,
    });
  }

  async put(key: string, body: Buffer): Promise<void> {
    await new Upload({
      client: this.client,
      params: {
        Bucket: this.opts.bucket,
        Key: this.prefix + key,
        Body: body,
        ContentType: key.endsWith('.parquet') ? 'application/vnd.apache.parquet' : 'application/octet-stream',
      },
      partSize: 8 * 1024 * 1024,
      queueSize: 2,
    }).done();
  }

  async get(key: string): Promise<Buffer | null> {
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.opts.bucket, Key: this.prefix + key }));
      return out.Body ? Buffer.from(await out.Body.transformToByteArray()) : Buffer.alloc(0);
    } catch (err) {
      if (err instanceof NoSuchKey || (err as { name?: string }).name === 'NoSuchKey') return null;
      throw err;
    }
  }

  async list(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.opts.bucket, Prefix: this.prefix + prefix, ContinuationToken: token }),
      );
      for (const o of page.Contents ?? []) if (o.Key) keys.push(o.Key.slice(this.prefix.length));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return keys;
  }

  async delete(keys: string[]): Promise<void> {
    for (const key of keys) await this.client.send(new DeleteObjectCommand({ Bucket: this.opts.bucket, Key: this.prefix + key }));
  }

  async close(): Promise<void> {
    this.client.destroy();
  }
}
