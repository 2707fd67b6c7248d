// The stream threads' bundle: a module that reads a file next to itself (import.meta.url) still
// finds it from inside the bundle, a second start reuses the bundle, and a changed source is
// bundled again.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { once } from 'node:events';
import { threadBundle, withoutTsx, workerWithFlags } from './thread-bundle.ts';

const log = pino({ level: 'silent' });

describe('stream thread bundle', () => {
  let dir: string | undefined;
  let cached: string | undefined;
  afterEach(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    // The bundles of this test's temporary factory, under node_modules/.cache.
    if (cached) fs.rmSync(cached, { recursive: true, force: true });
  });

  it('keeps each source module its own import.meta.url, is reused, and is rebuilt when a source changes', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'riskstream-bundle-'));
    fs.writeFileSync(path.join(dir, 'greeting.txt'), 'hello from the source dir');
    const helper = path.join(dir, 'read-greeting.ts');
    fs.writeFileSync(
      helper,
      `import fs from 'node:fs';\nexport const greeting = (): string => fs.readFileSync(new URL('./greeting.txt', import.meta.url), 'utf8');\n`,
    );
    const factory = path.join(dir, 'factory.ts');
    fs.writeFileSync(
      factory,
      `import { greeting } from './read-greeting.ts';\nexport const version: number = 1;\nexport function read(): string { return greeting(); }\n`,
    );
    const url = pathToFileURL(factory).href;

    const first = await threadBundle(url, log);
    expect(first).toBeDefined();
    cached = path.dirname(path.dirname(fileURLToPath(first!.factory)));
    expect(first!.factory).not.toBe(url);
    expect(first!.worker.href.endsWith('/worker.js')).toBe(true);
    const mod = (await import(first!.factory)) as { version: number; read(): string };
    expect(mod.version).toBe(1);
    expect(mod.read()).toBe('hello from the source dir');

    // Nothing changed: the same bundle, not rebuilt.
    const builtAt = fs.statSync(new URL(first!.factory)).mtimeMs;
    const again = await threadBundle(url, log);
    expect(again!.factory).toBe(first!.factory);
    expect(fs.statSync(new URL(again!.factory)).mtimeMs).toBe(builtAt);

    // A source changed: a new bundle with the new code.
    fs.writeFileSync(
      factory,
      `import { greeting } from './read-greeting.ts';\nexport const version: number = 2;\nexport function read(): string { return greeting().toUpperCase(); }\n`,
    );
    const changed = await threadBundle(url, log);
    expect(changed!.factory).not.toBe(first!.factory);
    const mod2 = (await import(changed!.factory)) as { version: number; read(): string };
    expect(mod2.version).toBe(2);
    expect(mod2.read()).toBe('HELLO FROM THE SOURCE DIR');
  });

  it('gives no bundle for a factory that is not a TypeScript file (the threads start through tsx)', async () => {
    expect(await threadBundle('file:///somewhere/factory.js', log)).toBeUndefined();
    expect(await threadBundle('node:worker_threads', log)).toBeUndefined();
  });

  it('starts threads from the bundle without the flags that load tsx, keeping the others', () => {
    // `node --import tsx app.ts`, and what the tsx command passes.
    expect(withoutTsx(['--import', 'tsx', '--max-old-space-size=4096'])).toEqual(['--max-old-space-size=4096']);
    expect(
      withoutTsx(['--require', '/app/node_modules/tsx/dist/preflight.cjs', '--import', 'file:///app/node_modules/tsx/dist/loader.mjs']),
    ).toEqual([]);
    expect(withoutTsx(['--loader=tsx/esm', '-r', 'tsx/cjs', '--enable-source-maps'])).toEqual(['--enable-source-maps']);
    // Other loaders stay: the application may need them.
    expect(withoutTsx(['--import', './instrument.mjs', '--require', 'tsxx'])).toEqual([
      '--import',
      './instrument.mjs',
      '--require',
      'tsxx',
    ]);
  });

  it('starts a worker with the flags a worker may have, dropping the process-wide ones', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'riskstream-flags-'));
    const script = path.join(dir, 'flags.mjs');
    fs.writeFileSync(script, `import { parentPort } from 'node:worker_threads';\nparentPort.postMessage(process.execArgv);\n`);
    const worker = workerWithFlags(pathToFileURL(script), {}, [
      '--max-old-space-size=4096',
      '--no-warnings',
      '--stack-size',
      '2000',
      '--single-threaded-gc',
      '--enable-source-maps',
    ]);
    const [flags] = (await once(worker, 'message')) as [string[]];
    await worker.terminate();
    expect(flags).toEqual(['--no-warnings', '--enable-source-maps']);
  });
});
