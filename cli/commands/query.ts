import type { Command } from 'commander';
import { queryWarehouse } from '../../warehouse/query-server.ts';
import type { QueryFormat } from '../../warehouse/warehouse.ts';
import { settingsOf } from '../context.ts';

export default async function query(program: Command, sql: string, opts: { format: QueryFormat; write?: boolean }): Promise<void> {
  const settings = settingsOf(program);
  const target = settings.backend === 'embedded' ? settings.dataDir : settings.clickhouse.url;
  if (!target) throw new Error('--backend kafka needs CLICKHOUSE_URL to query the warehouse');
  const out = await queryWarehouse(target, sql, { format: opts.format, write: opts.write === true });
  process.stdout.write(out.endsWith('\n') || out === '' ? out : `${out}\n`);
}
