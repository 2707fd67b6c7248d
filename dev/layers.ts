// The project's layers, top to bottom: a production file imports only its own folder and the
// folders below it, so the folder graph has no cycle and the engine stays generic.
import fs from 'node:fs';
import path from 'node:path';

export const LAYERS = ['cli', 'app', 'pipelines', 'models', 'connectors', 'warehouse', 'schemas', 'engine'] as const;

/** The engine's public entry: everything outside engine/ imports it through this file. */
const ENGINE_ENTRIES = ['engine/index.ts'];

export interface LayerViolation {
  file: string;
  imports: string;
}

const IMPORT = /(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g;

function filesUnder(root: string, dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const rel = path.posix.join(dir, e.name);
    if (e.isDirectory()) out.push(...filesUnder(root, rel));
    else if (/\.(ts|js)$/.test(e.name)) out.push(rel);
  }
  return out;
}

/** Imports of production files (not tests, not testing/ helpers) that go up a layer, or into the engine past its index. */
export function layerViolations(root: string): LayerViolation[] {
  const rank = (file: string): number => LAYERS.indexOf(file.split('/')[0] as (typeof LAYERS)[number]);
  const out: LayerViolation[] = [];
  for (const layer of LAYERS) {
    if (!fs.existsSync(path.join(root, layer))) continue;
    for (const file of filesUnder(root, layer)) {
      if (file.endsWith('.test.ts') || file.includes('/testing/') || file.includes('.fixture.')) continue;
      const src = fs.readFileSync(path.join(root, file), 'utf8');
      for (const m of src.matchAll(IMPORT)) {
        const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), m[1]));
        const r = rank(target);
        if (r !== -1 && r < rank(file)) out.push({ file, imports: target });
        else if (target.startsWith('engine/') && !file.startsWith('engine/') && !ENGINE_ENTRIES.includes(target))
          out.push({ file, imports: target });
      }
    }
  }
  return out;
}
