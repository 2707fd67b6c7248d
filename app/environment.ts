// Opens what pipelines and commands run against, from the settings: the log backend, the schema
// registry and serde, the warehouse and the lake. With stream-environment.ts (a stream thread's
// lighter share of it), the one place that knows embedded from kafka.
import { join } from 'node:path';
import { LocalLakeStore, type LakeStore } from '../connectors/sinks/lake-store.ts';
import { S3LakeStore } from '../connectors/sinks/s3-lake-store.ts';
import { openRegistry } from '../schemas/registry/open-registry.ts';
import type { SchemaRegistryClient } from '../schemas/registry/registry-client.ts';
import { AvroSerde } from '../schemas/serde.ts';
import { openWarehouse } from '../warehouse/open-warehouse.ts';
import type { Warehouse } from '../warehouse/warehouse.ts';
import { type Backend, openBackend } from '../engine/index.ts';
import { requireWritableDataDir } from './data-dir.ts';
import type { Settings } from './settings.ts';
import { backendSpecOf, registryOptionsOf, stateDirOf } from './stream-environment.ts';

export interface Environment {
  readonly settings: Settings;
  readonly backend: Backend;
  readonly registry: SchemaRegistryClient;
  readonly serde: AvroSerde;
  /** Where pipelines keep local state copies and checkpoints. */
  readonly stateDir: string;
  openWarehouse(opts?: { autoMigrate?: boolean }): Promise<Warehouse>;
  /** The lake's address for reading: a local directory or s3://bucket. */
  readonly lakeRoot: string;
  lakeStore(): LakeStore;
  close(): Promise<void>;
}

export async function openEnvironment(settings: Settings): Promise<Environment> {
  const embedded = settings.backend === 'embedded';
  // Both backends keep state (and the embedded one everything else) under the data dir.
  requireWritableDataDir(settings.dataDir);
  const backend = await openBackend(backendSpecOf(settings));
  const registry = openRegistry(registryOptionsOf(settings));
  // Kafka mode lands in ClickHouse and S3 when they are configured, else in chDB and a local lake
  // under the data dir (a real log with an embedded warehouse is a handy development set-up).
  const serverWarehouse = !embedded && settings.clickhouse.url !== undefined;
  const s3Lake = !embedded && settings.s3.bucket !== undefined;
  const lakeRoot = s3Lake ? `s3://${settings.s3.bucket}` : join(settings.dataDir, 'lake');
  return {
    settings,
    backend,
    registry,
    serde: new AvroSerde(registry),
    stateDir: stateDirOf(settings),
    lakeRoot,
    async openWarehouse(opts = {}) {
      if (!serverWarehouse) return openWarehouse({ kind: 'embedded', dataDir: settings.dataDir }, opts);
      const { url, username, password, database } = settings.clickhouse;
      return openWarehouse({ kind: 'server', url: url!, username, password, database }, opts);
    },
    lakeStore() {
      if (!s3Lake) return new LocalLakeStore(lakeRoot);
      return new S3LakeStore({ bucket: settings.s3.bucket!, endpoint: settings.s3.endpoint, region: settings.s3.region });
    },
    close: () => backend.close(),
  };
}
