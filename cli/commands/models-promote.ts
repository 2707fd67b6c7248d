import type { Command } from 'commander';
import { openModelStore } from '../../app/model-store.ts';
import type { Algo } from '../../models/evaluate.ts';
import { promoteModel } from '../../models/model-loader.ts';
import { checkModelName } from '../../models/model-registry.ts';
import { settingsOf } from '../context.ts';
import { print } from '../session.ts';

export default async function promote(program: Command, name: string, version: string, opts: { algo: Algo }): Promise<void> {
  const v = Number(version.replace(/^v/, ''));
  if (!Number.isInteger(v) || v < 1) throw new Error(`VERSION must be a version number like 3 or v3, got '${version}'`);
  const store = openModelStore(settingsOf(program));
  try {
    const p = await promoteModel(store, checkModelName(name), v, opts.algo);
    print(`${p.name}: promoted v${p.version} (${p.algo})`);
  } finally {
    await store.close();
  }
}
