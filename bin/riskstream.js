#!/usr/bin/env node
// Runs the CLI from its precompiled bundle (dist/, built by `npm run build`, which `npm ci` runs)
// while that bundle is current with the sources it was built from; otherwise (no bundle, or a
// source edited since) through tsx, which compiles the TypeScript at every start, so an edited
// source never runs stale code.
import { fileURLToPath } from 'node:url';

const dist = new URL('../dist/', import.meta.url);

async function bundleIsCurrent() {
  try {
    // The check itself is bundled: it is TypeScript (engine/bundling/bundle-manifest.ts).
    const check = await import(new URL('bundle-manifest.js', dist).href);
    return check.bundleIsCurrent(fileURLToPath(new URL('manifest.json', dist)), fileURLToPath(new URL('..', dist)));
  } catch {
    return false;
  }
}

if (await bundleIsCurrent()) {
  await import(new URL('main.js', dist).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../cli/main.ts');
}
