import type { Command } from 'commander';
import { readerSettingsOf } from '../context.ts';
import { formatDeadLetters, readDeadLetters } from '../../app/dead-letters.ts';
import type { QueryFormat } from '../../warehouse/warehouse.ts';
import { positiveInt, withEnvironment } from '../session.ts';

export default async function dlqShow(program: Command, topic: string, opts: { limit: string; format: QueryFormat }): Promise<void> {
  const limit = positiveInt(opts.limit, '--limit');
  readerSettingsOf(program);
  await withEnvironment(program, async (env) => {
    process.stdout.write(formatDeadLetters(await readDeadLetters(env.backend, topic, limit), opts.format));
  });
}
