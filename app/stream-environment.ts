// What a stream thread needs of the environment: the backend, the schema registry and the serde.
// Only the configured backend's and registry's modules are loaded: a stream thread loads its own
// copy of every module it imports, and kafkajs, the Confluent client, chDB or the AWS SDK it does
// not use would add up to half a second to each thread's start.
import { join } from 'node:path';
import { openBackend, type Backend, type BackendSpec } from '../engine/index.ts';
import type { RegistryOptions } from '../schemas/registry/open-registry.ts';
import type { SchemaRegistryClient } from '../schemas/registry/registry-client.ts';
import { AvroSerde } from '../schemas/serde.ts';
import type { Settings } from './settings.ts';

export interface StreamEnvironment {
  readonly backend: Backend;
  readonly serde: AvroSerde;
  /** Where pipelines keep local state copies and checkpoints. */
  readonly stateDir: string;
  close(): Promise<void>;
}

export function backendSpecOf(settings: Settings): BackendSpec {
  if (settings.backend === 'embedded') return { kind: 'embedded', dataDir: settings.dataDir };
  const { brokers, clientId, ssl, sasl } = settings.kafka;
  return { kind: 'kafka', brokers, clientId, ssl, sasl };
}

export function registryOptionsOf(settings: Settings): RegistryOptions {
  if (settings.backend === 'embedded') return { kind: 'embedded', dataDir: settings.dataDir };
  const { url, username, password } = settings.schemaRegistry;
  return { kind: 'url', url: url!, username, password };
}

export function stateDirOf(settings: Settings): string {
  return join(settings.dataDir, 'state');
}

export async function openStreamEnvironment(settings: Settings): Promise<StreamEnvironment> {
  const backend = await openBackend(backendSpecOf(settings));
  let registry: SchemaRegistryClient;
  if (settings.backend === 'embedded') registry = (await import('../schemas/registry/file-registry.ts')).embeddedRegistry(settings.dataDir);
  else registry = (await import('../schemas/registry/open-registry.ts')).openRegistry(registryOptionsOf(settings));
  return { backend, serde: new AvroSerde(registry), stateDir: stateDirOf(settings), close: () => backend.close() };
}
