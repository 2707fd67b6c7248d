// Picks the registry a backend uses: the embedded file store under the data dir, or a Confluent-API server.
import { ConfluentRegistryClient } from './confluent-client.ts';
import { embeddedRegistry } from './file-registry.ts';
import type { SchemaRegistryClient } from './registry-client.ts';

export type RegistryOptions = { kind: 'embedded'; dataDir: string } | { kind: 'url'; url: string; username?: string; password?: string };

/** Embedded: FileSchemaRegistry in `<dataDir>/registry`. Url: ConfluentRegistryClient (e.g. SCHEMA_REGISTRY_URL). */
export function openRegistry(opts: RegistryOptions): SchemaRegistryClient {
  if (opts.kind === 'embedded') return embeddedRegistry(opts.dataDir);
  return new ConfluentRegistryClient({ url: opts.url, username: opts.username, password: opts.password });
}
