import type { Command } from 'commander';
import { openModelStore } from '../../app/model-store.ts';
import type { Algo } from '../../models/evaluate.ts';
import { promoteModel } from '../../models/model-loader.ts';
import { checkModelName, listModelNames, listVersions, readMetadata } from '../../models/model-registry.ts';
import { betterAlgo } from '../../models/retrain.ts';
import { settingsOf } from '../context.ts';
import { print } from '../session.ts';

export default async function promote(program: Command, name: string, version: string, opts: { algo?: Algo }): Promise<void> {
  const v = Number(version.replace(/^v/, ''));
  if (!Number.isInteger(v) || v < 1) throw new Error(`VERSION must be a version number like 3 or v3, got '${version}'`);
  const store = openModelStore(settingsOf(program));
  try {
    checkModelName(name);
    const names = await listModelNames(store);
    if (!names.includes(name)) {
      throw new Error(
        `no model named '${name}' (${names.length > 0 ? `models: ${names.join(', ')}` : 'none yet: riskstream models train makes one'})`,
      );
    }
    const versions = await listVersions(store, name);
    if (!versions.includes(v)) throw new Error(`${name} has no version ${v} (versions: ${versions.join(', ') || 'none'})`);
    // Without --algo: the version's better model, as demo and schedule promote.
    const algo = opts.algo ?? betterAlgo(await readMetadata(store, name, v));
    const p = await promoteModel(store, name, v, algo);
    print(`${p.name}: promoted v${p.version} (${p.algo}${opts.algo === undefined ? ', the better CV AUC' : ''})`);
  } finally {
    await store.close();
  }
}
