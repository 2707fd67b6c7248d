import type { Command } from 'commander';
import { claimDataDir, requireExistingDataDir } from '../../app/data-dir.ts';
import { queryWarehouse } from '../../warehouse/query-server.ts';
import type { QueryFormat } from '../../warehouse/warehouse.ts';
import { settingsOf } from '../context.ts';

export default async function query(program: Command, sql: string, opts: { format: QueryFormat; write?: boolean }): Promise<void> {
  const settings = settingsOf(program);
  // The same choice as the environment's: a ClickHouse server in kafka mode when one is configured.
  const target = settings.backend === 'kafka' && settings.clickhouse.url ? settings.clickhouse.url : settings.dataDir;
  if (target === settings.dataDir) {
    // A read of a data dir that does not exist is a mistyped --data-dir; --write may create it.
    if (opts.write !== true) requireExistingDataDir(target);
    claimDataDir(target);
  }
  const out = await queryWarehouse(target, sql, { format: opts.format, write: opts.write === true });
  process.stdout.write(out.endsWith('\n') || out === '' ? out : `${out}\n`);
}
