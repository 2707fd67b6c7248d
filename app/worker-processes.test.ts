// The first process of `run --workers N` watches the workers it forks: real child processes (a
// small script standing in for the CLI) that exit, are killed, or are stopped.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { TempDirs } from '../pipelines/testing/temp-dirs.ts';
import { RunFailedError } from './run-pipelines.ts';
import { forkWorkers, metricsPortOfWorker } from './worker-processes.ts';

const dirs = new TempDirs('rs-worker-processes-');
afterAll(dirs.removeAll);

/** A worker that exits with the code of its first argument, or, given 'wait', waits for SIGTERM and exits 0. */
function script(): string {
  const file = join(dirs.make(), 'worker.mjs');
  writeFileSync(
    file,
    `const [arg] = process.argv.slice(2);
if (arg === 'wait') { process.on('SIGTERM', () => process.exit(0)); setInterval(() => undefined, 1000); }
else process.exit(Number(arg));
`,
  );
  return file;
}

it('a worker exiting non-zero is a RunFailedError naming it, its pid and its exit code', async () => {
  const workers = forkWorkers(script(), ['3'], 1, true);
  const failure = await workers.whenFailed();
  expect(failure).toBeInstanceOf(RunFailedError);
  expect(failure.message).toBe(`worker 2 of 2 (pid ${workers.pids[0]}) failed: exited with code 3`);
  await expect(workers.allExited()).rejects.toBe(failure);
});

it('a worker killed by a signal names the signal; the others are stopped with SIGTERM and waited for', async () => {
  const workers = forkWorkers(script(), ['wait'], 2, false);
  process.kill(workers.pids[1], 'SIGKILL');
  expect((await workers.whenFailed()).message).toBe(`worker 3 of 3 (pid ${workers.pids[1]}) failed: killed by SIGKILL`);
  await workers.stop();
  for (const pid of workers.pids) expect(() => process.kill(pid, 0)).toThrow();
});

it('with --until-idle a worker ending with exit 0 is no failure; without, it is', async () => {
  const idle = forkWorkers(script(), ['0'], 2, true);
  await idle.allExited();
  const plain = forkWorkers(script(), ['0'], 1, false);
  expect((await plain.whenFailed()).message).toBe(`worker 2 of 2 (pid ${plain.pids[0]}) failed: exited with code 0`);
});

it('exits after stop() are no failure', async () => {
  const workers = forkWorkers(script(), ['wait'], 2, false);
  await workers.stop();
  await workers.allExited();
});

it('worker k serves metrics on the given port + k - 1; port 0 stays any free port', () => {
  expect([1, 2, 3].map((k) => metricsPortOfWorker(9464, k))).toEqual([9464, 9465, 9466]);
  expect(metricsPortOfWorker(0, 3)).toBe(0);
});
