import type { Command } from 'commander';
import { formatStateRows, queryState } from '../../app/state-queries.ts';
import { readerSettingsOf } from '../context.ts';
import { positiveInt } from '../session.ts';

interface RangeFlags {
  from?: string;
  to?: string;
  limit?: string;
  format: 'table' | 'json';
}

export default async function stateRange(program: Command, store: string, opts: RangeFlags): Promise<void> {
  const limit = opts.limit === undefined ? undefined : positiveInt(opts.limit, '--limit');
  const answer = await queryState(readerSettingsOf(program), store, { type: 'range', from: opts.from, to: opts.to, limit });
  process.stdout.write(formatStateRows(answer.rows, opts.format));
}
