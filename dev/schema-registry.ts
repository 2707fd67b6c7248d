// The project's own Confluent-API schema registry (schemas/registry/server.ts), in this process, over a temp dir.
import { startRegistryServer } from '../schemas/registry/server.ts';
import { assertPortFree } from './ports.ts';
import { DevServiceError, type RunningService } from './service.ts';
import { makeServiceDir } from './service-dir.ts';

export interface SchemaRegistryService extends RunningService {
  url: string;
}

export async function startSchemaRegistry(opts: { port?: number } = {}): Promise<SchemaRegistryService> {
  if (opts.port !== undefined) await assertPortFree('schema-registry', opts.port);
  const work = makeServiceDir('registry');
  let server: Awaited<ReturnType<typeof startRegistryServer>>;
  try {
    server = await startRegistryServer({ dir: work.dir, port: opts.port ?? 0 });
  } catch (err) {
    work.remove();
    throw new DevServiceError('schema-registry', (err as Error).message);
  }
  let stopped = false;
  return {
    url: server.url,
    env: { SCHEMA_REGISTRY_URL: server.url },
    async stop(): Promise<void> {
      if (stopped) return;
      stopped = true;
      await server.close();
      work.remove();
    },
  };
}
