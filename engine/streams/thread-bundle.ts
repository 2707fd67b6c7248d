// Stream threads start from one JavaScript bundle of their TypeScript instead of compiling it
// module by module: each worker thread has its own module graph, and through tsx every import is a
// round trip to a loader thread, which costs several times the bundle's load. The bundle
// (esbuild: our sources in, npm packages left to Node) is built once and kept under
// node_modules/.cache/riskstream/, rebuilt when a source file it holds changes. Where it cannot be
// built, threads start through tsx.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';
import { inputsUnchanged, manifestOf, type BundleManifest } from '../bundling/bundle-manifest.ts';
import { BUNDLE_OPTIONS } from '../bundling/module-url-of-source.ts';
import type { Logger } from '../observability/logger.ts';

const WORKER_SOURCE = fileURLToPath(new URL('./stream-thread-worker.ts', import.meta.url));
const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Inside the project, so that the bundle's imports of npm packages resolve as the sources' do. */
const CACHE_ROOT = path.join(PROJECT_ROOT, 'node_modules', '.cache', 'riskstream', 'stream-threads');

export interface ThreadBundle {
  /** The worker's entry module. */
  worker: URL;
  /** The factory module, bundled, to import in place of the one the app named. */
  factory: string;
}

/** The bundle of the stream-thread worker and `factoryModule` (a file: URL of a .ts module), or undefined. */
export async function threadBundle(factoryModule: string, log: Logger): Promise<ThreadBundle | undefined> {
  if (!factoryModule.startsWith('file:') || !factoryModule.endsWith('.ts')) return undefined;
  const factorySource = fileURLToPath(factoryModule);
  const base = path.join(CACHE_ROOT, crypto.createHash('sha256').update(factorySource).digest('hex').slice(0, 16));
  try {
    const current = readCurrent(base);
    const dir = current ?? (await build(base, factorySource));
    return { worker: pathToFileURL(path.join(dir, 'worker.js')), factory: pathToFileURL(path.join(dir, 'factory.js')).href };
  } catch (err) {
    log.debug({ err }, 'stream threads start through tsx: no bundle of their modules');
    return undefined;
  }
}

/** The directory of the bundle in `base` if every input is as it was built from, else undefined. */
function readCurrent(base: string): string | undefined {
  let pointer: { dir: string; manifest: BundleManifest };
  try {
    pointer = JSON.parse(fs.readFileSync(path.join(base, 'current.json'), 'utf8')) as typeof pointer;
  } catch {
    return undefined;
  }
  if (!inputsUnchanged(pointer.manifest, PROJECT_ROOT)) return undefined;
  const dir = path.join(base, pointer.dir);
  return fs.existsSync(path.join(dir, 'worker.js')) ? dir : undefined;
}

async function build(base: string, factorySource: string): Promise<string> {
  const esbuild = await import('esbuild');
  fs.mkdirSync(base, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(base, 'build-'));
  const result = await esbuild.build({
    entryPoints: { worker: WORKER_SOURCE, factory: factorySource },
    ...BUNDLE_OPTIONS,
    outdir: tmp,
    absWorkingDir: PROJECT_ROOT,
    logLevel: 'silent',
  });
  const manifest = manifestOf(Object.keys(result.metafile.inputs), PROJECT_ROOT, esbuild.version);
  const name = crypto.createHash('sha256').update(JSON.stringify(manifest)).digest('hex').slice(0, 16);
  const dir = path.join(base, name);
  try {
    fs.renameSync(tmp, dir);
  } catch {
    // Another process built the same bundle meanwhile: use theirs.
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  const pointerTmp = path.join(base, `current.json.${process.pid}.${crypto.randomUUID()}`);
  fs.writeFileSync(pointerTmp, JSON.stringify({ dir: name, manifest }));
  fs.renameSync(pointerTmp, path.join(base, 'current.json'));
  removeStale(base, name);
  return dir;
}

/** Bundles of earlier sources (and abandoned builds) left for ten minutes, for a process still loading them. */
function removeStale(base: string, keep: string): void {
  const cutoff = Date.now() - 10 * 60_000;
  for (const entry of fs.readdirSync(base, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name === keep) continue;
    const dir = path.join(base, entry.name);
    try {
      if (fs.statSync(dir).mtimeMs < cutoff) fs.rmSync(dir, { recursive: true, force: true });
    } catch {
      // Removed by another process meanwhile.
    }
  }
}

/** Node flags without the ones that load tsx (`--import tsx`, `--loader=tsx/esm`, `--require tsx/cjs`, ...). */
export function withoutTsx(execArgv: readonly string[]): string[] {
  const loads = /^(--import|--loader|--experimental-loader|--require|-r)(?:=(.*))?$/;
  // `tsx`, `tsx/esm`, or a path into the tsx package (the tsx command passes those).
  const isTsx = (module: string): boolean => /^tsx(\/|$)/.test(module) || /[\\/]node_modules[\\/]tsx[\\/]/.test(module);
  const out: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const arg = execArgv[i];
    const load = loads.exec(arg);
    if (load?.[2] !== undefined && isTsx(load[2])) continue;
    if (load && load[2] === undefined && i + 1 < execArgv.length && isTsx(execArgv[i + 1])) {
      i++;
      continue;
    }
    out.push(arg);
  }
  return out;
}

/**
 * A worker with `execArgv`, less the flags a worker may not be given (V8's and other process-wide
 * ones, e.g. --max-old-space-size: they apply to every thread of the process already). A worker
 * that inherits its flags implicitly drops those itself; given explicitly, Node refuses them.
 */
export function workerWithFlags(url: URL, options: WorkerOptions, execArgv: string[]): Worker {
  let flags = execArgv;
  // Node names the refused flags a kind at a time (Node's own, then V8's): drop and try again.
  for (let attempt = 0; ; attempt++) {
    try {
      return new Worker(url, { ...options, execArgv: flags });
    } catch (err) {
      const refused =
        (err as { code?: string }).code === 'ERR_WORKER_INVALID_EXEC_ARGV'
          ? /flags: (.*)$/.exec((err as Error).message)?.[1].split(', ')
          : undefined;
      if (refused === undefined || attempt >= 3) throw err;
      flags = withoutFlags(flags, refused);
    }
  }
}

function withoutFlags(execArgv: string[], refused: string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    if (!refused.includes(execArgv[i])) {
      kept.push(execArgv[i]);
      continue;
    }
    // `--flag value`: the value goes with its flag.
    if (!execArgv[i].includes('=') && i + 1 < execArgv.length && !execArgv[i + 1].startsWith('-')) i++;
  }
  return kept;
}
