import type { Command } from 'commander';
import { formatStateRows, queryState } from '../../app/state-queries.ts';
import { readerSettingsOf } from '../context.ts';

export default async function stateGet(program: Command, store: string, key: string, opts: { format: 'table' | 'json' }): Promise<void> {
  const answer = await queryState(readerSettingsOf(program), store, { type: 'get', key });
  if (answer.rows.length === 0) process.stderr.write(`no entry for key '${key}' in ${store} (${answer.source} state)\n`);
  process.stdout.write(formatStateRows(answer.rows, opts.format));
}
