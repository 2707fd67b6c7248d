import type { Command } from 'commander';
import { openModelStore } from '../../app/model-store.ts';
import { listModelNames, listVersions, readMetadata, readPromoted } from '../../models/model-registry.ts';
import { readerSettingsOf } from '../context.ts';
import { print } from '../session.ts';

export default async function list(program: Command): Promise<void> {
  const store = openModelStore(readerSettingsOf(program));
  try {
    const lines = [['name', 'version', 'created_at', 'lr_auc', 'rf_auc', 'promoted']];
    for (const name of await listModelNames(store)) {
      const promoted = await readPromoted(store, name);
      for (const v of await listVersions(store, name)) {
        const m = await readMetadata(store, name, v);
        lines.push([
          name,
          `v${v}`,
          m.created_at,
          m.metrics.lr.auc.toFixed(3),
          m.metrics.rf.auc.toFixed(3),
          promoted?.version === v ? promoted.algo : '',
        ]);
      }
    }
    if (lines.length === 1) {
      process.stderr.write(`no models in ${store.root}/models (riskstream models train ...)\n`);
      return;
    }
    const widths = lines[0].map((_, j) => Math.max(...lines.map((l) => l[j].length)));
    for (const l of lines)
      print(
        l
          .map((c, j) => c.padEnd(widths[j]))
          .join('  ')
          .trimEnd(),
      );
  } finally {
    await store.close();
  }
}
