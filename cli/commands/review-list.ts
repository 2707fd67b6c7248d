import type { Command } from 'commander';
import { listOpenCases, warehouseSql } from '../../app/review.ts';
import type { QueryFormat } from '../../warehouse/warehouse.ts';
import { readerSettingsOf } from '../context.ts';

export default async function reviewList(program: Command, opts: { partner?: string; format: QueryFormat }): Promise<void> {
  const out = await listOpenCases(warehouseSql(readerSettingsOf(program)), { partner: opts.partner, format: opts.format });
  process.stdout.write(out.endsWith('\n') || out === '' ? out : `${out}\n`);
}
