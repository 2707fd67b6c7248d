import type { Command } from 'commander';
import { openModelStore } from '../../app/model-store.ts';
import type { Algo } from '../../models/evaluate.ts';
import { promoteModel } from '../../models/model-loader.ts';
import { settingsOf } from '../context.ts';
import { print } from '../session.ts';

export default async function promote(program: Command, name: string, version: string, opts: { algo?: Algo }): Promise<void> {
  const v = Number(version.replace(/^v/, ''));
  if (!Number.isInteger(v) || v < 1) throw new Error(`VERSION must be a version number like 3 or v3, got '${version}'`);
  const store = openModelStore(settingsOf(program));
  try {
    // Without --algo: the version's better model, as demo and schedule promote.
    const p = await promoteModel(store, name, v, opts.algo);
    print(`${p.name}: promoted v${p.version} (${p.algo}${opts.algo === undefined ? ', the better CV AUC' : ''})`);
  } finally {
    await store.close();
  }
}
