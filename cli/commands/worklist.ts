import type { Command } from 'commander';
import { formatWorklist, queryWorklist } from '../../app/worklist.ts';
import type { QueryFormat } from '../../warehouse/warehouse.ts';
import { readerSettingsOf } from '../context.ts';
import { positiveInt } from '../session.ts';

interface WorklistFlags {
  top: string;
  partner?: string;
  tenant?: string;
  format: QueryFormat;
}

export default async function worklist(program: Command, opts: WorklistFlags): Promise<void> {
  const top = positiveInt(opts.top, '--top');
  const answer = await queryWorklist(readerSettingsOf(program), { top, partner: opts.partner, tenant: opts.tenant });
  process.stdout.write(formatWorklist(answer.rows, opts.format));
}
