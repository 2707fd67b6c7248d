// Stream threads of one process share a pid: the commit lock must still exclude them from each
// other, and taking it must not trip over a sibling's temp file (it once shared the pid-only name).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterEach, expect, it } from 'vitest';

const ROUNDS = 2000;
let dir: string;
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

it('excludes sibling threads and never collides on temp files', { timeout: 60_000 }, async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'riskstream-lock-'));
  const counter = path.join(dir, 'counter');
  fs.writeFileSync(counter, '0');
  const workerData = { module: new URL('./file-lock.ts', import.meta.url).href, lock: path.join(dir, 'commit.lock'), counter };
  const run = () =>
    new Promise<string | null>((resolve, reject) => {
      const w = new Worker(new URL('./file-lock-threads.fixture.js', import.meta.url), { workerData: { ...workerData, rounds: ROUNDS } });
      w.once('message', resolve);
      w.once('error', reject);
    });
  const failures = await Promise.all([run(), run(), run()]);
  expect(failures).toEqual([null, null, null]);
  expect(Number(fs.readFileSync(counter, 'utf8'))).toBe(3 * ROUNDS);
});
