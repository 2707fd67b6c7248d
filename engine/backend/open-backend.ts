// Opens a backend by kind, loading only its modules: kafkajs costs ~0.1 s to load, which an
// embedded run, a stream thread of one, or a CLI command that needs no log should not pay.
import type { Backend } from './backend.ts';
import type { KafkaBackendConfig } from './kafka/kafka-client.ts';

export type BackendSpec = { kind: 'embedded'; dataDir: string } | ({ kind: 'kafka' } & KafkaBackendConfig);

export async function openBackend(spec: BackendSpec): Promise<Backend> {
  if (spec.kind === 'embedded') {
    const { createEmbeddedBackend } = await import('./embedded/embedded-backend.ts');
    return createEmbeddedBackend(spec.dataDir);
  }
  const { kind: _kind, ...config } = spec;
  const { createKafkaBackend } = await import('./kafka/kafka-backend.ts');
  return createKafkaBackend(config);
}
