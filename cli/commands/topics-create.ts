import type { Command } from 'commander';
import { dlqTopicOf } from '../../engine/index.ts';
import { ALL_TOPICS } from '../../schemas/topics.ts';
import { positiveInt, print, withEnvironment } from '../session.ts';

export default async function topicsCreate(program: Command, opts: { partitions: string }): Promise<void> {
  const partitions = positiveInt(opts.partitions, '--partitions');
  await withEnvironment(program, async (env) => {
    const admin = env.backend.admin();
    try {
      const existing = new Set((await admin.listTopics()).map((t) => t.name));
      const wanted = ALL_TOPICS.flatMap((t) => [
        { name: t, partitions },
        { name: dlqTopicOf(t), partitions: 1 },
      ]);
      const missing = wanted.filter((t) => !existing.has(t.name));
      await admin.createTopics(missing);
      for (const t of wanted) print(`${t.name}\t${t.partitions}\t${existing.has(t.name) ? 'exists' : 'created'}`);
    } finally {
      await admin.close();
    }
  });
}
