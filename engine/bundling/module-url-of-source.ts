// An esbuild plugin for bundles of riskstream's TypeScript (the CLI's dist/, the stream threads'):
// a module that finds files next to itself (import.meta.url: the .avsc schemas, the SQL migrations,
// the bin it forks) must still find them from inside the bundle, so each source's import.meta.url
// is replaced by that source file's URL.
import fs from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { BuildOptions, Plugin } from 'esbuild';

/**
 * A pattern, not the string itself: this file is bundled too (the CLI's bundle builds the stream
 * threads'), and the plugin would rewrite its own search string to this file's URL.
 */
const IMPORT_META_URL = /\bimport\.meta\.url\b/g;

export const moduleUrlOfSource: Plugin = {
  name: 'module-url-of-source',
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, async (args) => {
      const source = await fs.promises.readFile(args.path, 'utf8');
      return { contents: source.replace(IMPORT_META_URL, JSON.stringify(pathToFileURL(args.path).href)), loader: 'ts' };
    });
  },
};

/** How riskstream's bundles are built: our sources in one ESM bundle per entry, npm packages left to Node. */
export const BUNDLE_OPTIONS = {
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: 'linked',
  metafile: true,
  plugins: [moduleUrlOfSource],
} as const satisfies BuildOptions;
