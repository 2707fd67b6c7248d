// Picks the warehouse for a backend: chDB under the data dir (embedded) or a ClickHouse server (kafka).
import { ChdbWarehouse } from './chdb-warehouse.ts';
import { WarehouseError } from './errors.ts';
import type { ServerWarehouseOptions } from './server-warehouse.ts';
import type { Warehouse } from './warehouse.ts';

export type WarehouseTarget = { kind: 'embedded'; dataDir: string } | ({ kind: 'server' } & ServerWarehouseOptions);

/** The server connection from CLICKHOUSE_URL / CLICKHOUSE_USER / CLICKHOUSE_PASSWORD / CLICKHOUSE_DATABASE. */
export function serverOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): ServerWarehouseOptions {
  const url = env.CLICKHOUSE_URL;
  if (!url) throw new WarehouseError('CLICKHOUSE_URL is not set (the kafka backend needs a ClickHouse server)');
  return { url, username: env.CLICKHOUSE_USER, password: env.CLICKHOUSE_PASSWORD, database: env.CLICKHOUSE_DATABASE };
}

export async function openWarehouse(target: WarehouseTarget, opts: { autoMigrate?: boolean } = {}): Promise<Warehouse> {
  if (target.kind === 'embedded') return ChdbWarehouse.open(target.dataDir, opts);
  const { kind: _kind, ...server } = target;
  // Loaded here: the ClickHouse client costs start-up time every embedded command would pay.
  const { ServerWarehouse } = await import('./server-warehouse.ts');
  return new ServerWarehouse({ ...server, ...opts });
}
