import type { Command } from 'commander';
import { formatTopicRecords, listTopicRecords } from '../../app/topics.ts';
import type { QueryFormat } from '../../warehouse/warehouse.ts';
import { readerSettingsOf } from '../context.ts';
import { withEnvironment } from '../session.ts';

export default async function topicsList(program: Command, opts: { format: QueryFormat }): Promise<void> {
  readerSettingsOf(program);
  await withEnvironment(program, async (env) => {
    process.stdout.write(formatTopicRecords(await listTopicRecords(env.backend), opts.format));
  });
}
