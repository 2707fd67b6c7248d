// `npm run build` (run by `npm ci` through `prepare`): the CLI precompiled into dist/, so a command
// starts without compiling TypeScript first. One ESM bundle of our sources (npm packages left to
// Node), split so that each command's modules load only when that command runs. dist/manifest.json
// lists every input with its size and modification time: bin/riskstream.js runs the bundle only
// while they are unchanged, and through tsx otherwise.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { BUNDLE_OPTIONS, manifestOf } from '../engine/index.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
export const DIST = path.join(ROOT, 'dist');
const THIS_FILE = path.relative(ROOT, fileURLToPath(import.meta.url));

export async function buildCli(): Promise<void> {
  // Built next to dist/ and swapped in whole: a CLI starting meanwhile sees the old bundle or the new.
  const tmp = `${DIST}.${process.pid}.tmp`;
  fs.rmSync(tmp, { recursive: true, force: true });
  const result = await esbuild.build({
    entryPoints: { main: 'cli/main.ts', 'bundle-manifest': 'engine/bundling/bundle-manifest.ts' },
    ...BUNDLE_OPTIONS,
    absWorkingDir: ROOT,
    outdir: tmp,
    logLevel: 'warning',
  });
  // This file and tsconfig.json too: a change to how the sources are compiled makes the bundle stale.
  const manifest = manifestOf([...Object.keys(result.metafile.inputs), THIS_FILE, 'tsconfig.json'], ROOT, esbuild.version);
  fs.writeFileSync(path.join(tmp, 'manifest.json'), JSON.stringify(manifest));
  const old = `${DIST}.${process.pid}.old`;
  if (fs.existsSync(DIST)) fs.renameSync(DIST, old);
  fs.renameSync(tmp, DIST);
  fs.rmSync(old, { recursive: true, force: true });
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = Date.now();
  await buildCli();
  process.stderr.write(`riskstream: CLI bundle built in ${DIST} (${Date.now() - started} ms)\n`);
}
