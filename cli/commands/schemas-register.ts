import type { Command } from 'commander';
import { requireWritableDataDir } from '../../app/data-dir.ts';
import { openRegistry } from '../../schemas/registry/open-registry.ts';
import type { SchemaRegistryClient } from '../../schemas/registry/registry-client.ts';
import { ALL_TOPICS, avroSchemaOf, subjectOf } from '../../schemas/topics.ts';
import { settingsOf } from '../context.ts';
import { print } from '../session.ts';

/** The registry alone: schema commands need no log backend. */
export function openRegistryOf(program: Command): SchemaRegistryClient {
  const s = settingsOf(program);
  if (s.backend === 'embedded') requireWritableDataDir(s.dataDir);
  return s.backend === 'embedded'
    ? openRegistry({ kind: 'embedded', dataDir: s.dataDir })
    : openRegistry({ kind: 'url', url: s.schemaRegistry.url!, username: s.schemaRegistry.username, password: s.schemaRegistry.password });
}

export default async function schemasRegister(program: Command): Promise<void> {
  const registry = openRegistryOf(program);
  for (const topic of ALL_TOPICS) {
    const id = await registry.register(subjectOf(topic), avroSchemaOf(topic));
    print(`${subjectOf(topic)}\t${id}`);
  }
}
