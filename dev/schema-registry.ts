// The project's own Confluent-API schema registry (schemas/registry/server.ts), in this process, over a temp dir.
import { type RegistryServer, startRegistryServer } from '../schemas/registry/server.ts';
import { assertPortFree } from './ports.ts';
import { DevServiceError, type InterruptibleService } from './service.ts';
import { makeServiceDir } from './service-dir.ts';

export interface SchemaRegistryService extends InterruptibleService {
  url: string;
}

export async function startSchemaRegistry(opts: { port?: number } = {}): Promise<SchemaRegistryService> {
  if (opts.port !== undefined) await assertPortFree('schema-registry', opts.port);
  const work = makeServiceDir('registry');
  let server: RegistryServer | undefined;
  try {
    server = await startRegistryServer({ dir: work.dir, port: opts.port ?? 0 });
  } catch (err) {
    work.remove();
    throw new DevServiceError('schema-registry', (err as Error).message);
  }
  // up() listens again on the port the first start got, over the same schemas.
  const { port, url } = server;
  let stopped = false;
  return {
    url,
    env: { SCHEMA_REGISTRY_URL: url },
    async down(): Promise<void> {
      await server?.close();
      server = undefined;
    },
    async up(): Promise<void> {
      try {
        server ??= await startRegistryServer({ dir: work.dir, port });
      } catch (err) {
        throw new DevServiceError('schema-registry', (err as Error).message);
      }
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
