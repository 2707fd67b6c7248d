// What a bundle was built from, to tell whether it is still current: every input file with its size
// and modification time. Checking costs one stat per input (~150 files, about a millisecond), so a
// bundle is used only while no source it holds has changed since, and never runs stale code.
import fs from 'node:fs';
import path from 'node:path';

export interface BundleManifest {
  esbuild: string;
  /** Input path (relative to the project root the bundle was built in) → [size, mtimeMs]. */
  inputs: Record<string, [size: number, mtimeMs: number]>;
}

/** The manifest of `inputs` (paths relative to `root`, as esbuild's metafile names them) as they are now. */
export function manifestOf(inputs: Iterable<string>, root: string, esbuildVersion: string): BundleManifest {
  const out: BundleManifest['inputs'] = {};
  for (const input of inputs) {
    const st = fs.statSync(path.resolve(root, input));
    out[input] = [st.size, st.mtimeMs];
  }
  return { esbuild: esbuildVersion, inputs: out };
}

/** True when every input of `manifest` still has the size and modification time it was built from. */
export function inputsUnchanged(manifest: BundleManifest | undefined, root: string): boolean {
  if (manifest === undefined || typeof manifest.inputs !== 'object' || manifest.inputs === null) return false;
  for (const [input, [size, mtimeMs]] of Object.entries(manifest.inputs)) {
    try {
      const st = fs.statSync(path.resolve(root, input));
      if (st.size !== size || st.mtimeMs !== mtimeMs) return false;
    } catch {
      return false;
    }
  }
  return true;
}

/** True when the manifest file exists, parses, and its inputs are unchanged. */
export function bundleIsCurrent(manifestFile: string, root: string): boolean {
  let manifest: BundleManifest;
  try {
    manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as BundleManifest;
  } catch {
    return false;
  }
  return inputsUnchanged(manifest, root);
}
