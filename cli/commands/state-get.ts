import type { Command } from 'commander';
import { formatStateRows, getStateEntry } from '../../app/state-queries.ts';
import { readerSettingsOf } from '../context.ts';

export default async function stateGet(program: Command, store: string, key: string, opts: { format: 'table' | 'json' }): Promise<void> {
  const answer = await getStateEntry(readerSettingsOf(program), store, key);
  process.stdout.write(formatStateRows(answer.rows, opts.format));
}
