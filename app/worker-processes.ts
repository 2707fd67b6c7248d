// The extra processes of `run --workers N`, forked and watched by the first process: a worker that
// ends while the run is meant to go on (exit non-zero, a signal such as kill -9 or the OOM killer,
// or any exit of a plain run) is a RunFailedError naming it, so the run stops as a whole, as it does
// when one of its pipelines fails, rather than running on with part of the group silently missing.
import { fork, type ChildProcess } from 'node:child_process';
import { settledOnce } from '../engine/index.ts';
import { RunFailedError } from './run-pipelines.ts';

/** Set on the extra processes of `run --workers N`: they process, the first process runs the sinks. */
export const EXTRA_WORKER_ENV = 'RISKSTREAM_EXTRA_WORKER';
/** Which worker of `run --workers N` a forked process is (2..N; the first process is 1). */
const WORKER_INDEX_ENV = 'RISKSTREAM_WORKER_INDEX';

/** This process's worker number: 1 unless forked as an extra worker. */
export function workerIndex(): number {
  const n = Number(process.env[WORKER_INDEX_ENV]);
  return process.env[EXTRA_WORKER_ENV] === '1' && Number.isSafeInteger(n) && n > 1 ? n : 1;
}

/** Worker k serves its metrics on `port` + k - 1 (0 stays any free port): the workers share the flags. */
export function metricsPortOfWorker(port: number, index: number): number {
  return port === 0 ? 0 : port + index - 1;
}

export interface WorkerProcesses {
  readonly pids: readonly number[];
  /** The first worker that ends unexpectedly: before stop(), any exit but exit 0 where `cleanExitOk`. */
  whenFailed(): Promise<RunFailedError>;
  /** Resolves once every worker has exited; rejects with the failure if one failed. */
  allExited(): Promise<void>;
  /** SIGTERM to the workers still running (they commit, flush, close), then waits for them. */
  stop(): Promise<void>;
  /** SIGKILL to the workers still running: the run's deadline is over (uncommitted work is redone next run). */
  kill(): void;
}

/**
 * Forks `count` extra workers (numbered 2..count+1 of count+1; the first process is worker 1) running
 * `bin args`. `cleanExitOk`: a worker may end by itself with exit 0 (--until-idle).
 */
export function forkWorkers(bin: string, args: readonly string[], count: number, cleanExitOk: boolean): WorkerProcesses {
  const children: ChildProcess[] = Array.from({ length: count }, (_, i) =>
    fork(bin, args, { env: { ...process.env, [EXTRA_WORKER_ENV]: '1', [WORKER_INDEX_ENV]: String(i + 2) }, stdio: 'inherit' }),
  );
  let stopping = false;
  let failure: RunFailedError | undefined;
  const failed = settledOnce<RunFailedError>();
  const exits = children.map(
    (c, i) =>
      new Promise<void>((resolve) =>
        c.once('exit', (code, signal) => {
          if (!stopping && !(cleanExitOk && code === 0) && failure === undefined) {
            const how = signal !== null ? `killed by ${signal}` : `exited with code ${code}`;
            failure = new RunFailedError(`worker ${i + 2} of ${count + 1} (pid ${c.pid})`, new Error(how));
            failed.resolve(failure);
          }
          resolve();
        }),
      ),
  );
  let stopped: Promise<void> | undefined;
  return {
    pids: children.map((c) => c.pid ?? -1),
    whenFailed: () => failed.promise,
    allExited: async () => {
      await Promise.all(exits);
      if (failure) throw failure;
    },
    stop() {
      stopping = true;
      stopped ??= (async () => {
        for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
        await Promise.all(exits);
      })();
      return stopped;
    },
    kill() {
      stopping = true;
      for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    },
  };
}

/**
 * In an extra worker: resolves when the first process is gone (its IPC channel closed), so a worker
 * whose first process was killed with kill -9 stops rather than running on unwatched.
 */
export function firstProcessGone(): Promise<void> {
  if (!process.connected) return new Promise(() => undefined);
  const gone = new Promise<void>((resolve) => process.once('disconnect', () => resolve()));
  // Listening must not keep the worker alive once its own work is done.
  process.channel?.unref();
  return gone;
}
