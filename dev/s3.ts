// An S3-compatible server for tests: s3rver (npm) in this process, on a free port, with one bucket.
// s3rver accepts the access key S3RVER / secret S3RVER; it keeps objects in a temp dir.
import S3rver from 's3rver';
import { assertPortFree, freePort } from './ports.ts';
import { DevServiceError, type InterruptibleService } from './service.ts';
import { makeServiceDir } from './service-dir.ts';

export interface S3Service extends InterruptibleService {
  endpoint: string;
  bucket: string;
}

export async function startS3(opts: { port?: number; bucket?: string } = {}): Promise<S3Service> {
  const port = opts.port ?? (await freePort());
  if (opts.port !== undefined) await assertPortFree('s3', opts.port);
  const bucket = opts.bucket ?? 'riskstream-test';
  const work = makeServiceDir('s3');
  // A new server over the same directory for each up(): objects written before down() are kept.
  const listen = async (): Promise<S3rver> => {
    const server = new S3rver({
      address: '127.0.0.1',
      port,
      silent: true,
      directory: work.dir,
      configureBuckets: [{ name: bucket, configs: [] }],
    });
    try {
      await server.run();
      return server;
    } catch (err) {
      throw new DevServiceError('s3', `s3rver could not listen on 127.0.0.1:${port}: ${(err as Error).message}`);
    }
  };
  let server: S3rver | undefined;
  try {
    server = await listen();
  } catch (err) {
    work.remove();
    throw err;
  }
  const endpoint = `http://127.0.0.1:${port}`;
  let stopped = false;
  return {
    endpoint,
    bucket,
    env: {
      S3_ENDPOINT: endpoint,
      S3_BUCKET: bucket,
      S3_FORCE_PATH_STYLE: 'true',
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
      AWS_REGION: 'us-east-1',
    },
    async down(): Promise<void> {
      await server?.close();
      server = undefined;
    },
    async up(): Promise<void> {
      server ??= await listen();
    },
    async stop(): Promise<void> {
      if (stopped) return;
      stopped = true;
      await server?.close();
      server = undefined;
      work.remove();
    },
  };
}
