import type { Command } from 'commander';
import { readerSettingsOf } from '../context.ts';
import { print, withEnvironment } from '../session.ts';

export default async function topicsList(program: Command): Promise<void> {
  readerSettingsOf(program);
  await withEnvironment(program, async (env) => {
    const admin = env.backend.admin();
    try {
      const topics = (await admin.listTopics()).sort((a, b) => a.name.localeCompare(b.name));
      print(['topic', 'partitions', 'records'].join('\t'));
      for (const t of topics) print([t.name, t.partitions, t.endOffsets.reduce((a, b) => a + b, 0)].join('\t'));
    } finally {
      await admin.close();
    }
  });
}
