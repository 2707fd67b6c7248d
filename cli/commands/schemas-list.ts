import type { Command } from 'commander';
import { openRegistryOf } from './schemas-register.ts';
import { print } from '../session.ts';

export default async function schemasList(program: Command): Promise<void> {
  const registry = openRegistryOf(program);
  const subjects = (await registry.subjects()).sort();
  print(['subject', 'version', 'id'].join('\t'));
  for (const s of subjects) {
    const latest = await registry.latest(s);
    print([s, latest?.version ?? '-', latest?.id ?? '-'].join('\t'));
  }
}
