import type { Command } from 'commander';
import { readerSettingsOf } from '../context.ts';
import { formatDeadLetterTopics, listDeadLetterTopics } from '../../app/dead-letters.ts';
import type { QueryFormat } from '../../warehouse/warehouse.ts';
import { withEnvironment } from '../session.ts';

export default async function dlqList(program: Command, opts: { format: QueryFormat }): Promise<void> {
  readerSettingsOf(program);
  await withEnvironment(program, async (env) => {
    process.stdout.write(formatDeadLetterTopics(await listDeadLetterTopics(env.backend), opts.format));
  });
}
