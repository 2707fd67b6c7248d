import type { Command } from 'commander';
import { fileURLToPath } from 'node:url';
import { pipelinesNamed } from '../../app/catalog.ts';
import { RunFailedError, startPipelines, type RunProgress } from '../../app/run-pipelines.ts';
import { formatSummary, summarize } from '../../app/summary.ts';
import {
  EXTRA_WORKER_ENV,
  firstProcessGone,
  forkWorkers,
  metricsPortOfWorker,
  workerIndex,
  type WorkerProcesses,
} from '../../app/worker-processes.ts';
import { formatCount, ProgressLine, sinkProgressText } from '../progress.ts';
import { nonNegativeInt, positiveInt, print, withEnvironment } from '../session.ts';

/** How long Ctrl-C waits for commit, flush and close before exiting anyway. */
const STOP_DEADLINE_ENV = 'RISKSTREAM_STOP_DEADLINE_MS';

interface RunFlags {
  untilIdle?: boolean;
  workers: string;
  threads?: string;
  metricsPort?: string;
  queryPort?: string;
}

export default async function run(program: Command, names: string[], opts: RunFlags): Promise<void> {
  const pipelines = pipelinesNamed(names);
  const workers = positiveInt(opts.workers, '--workers');
  const threads = opts.threads === undefined ? undefined : positiveInt(opts.threads, '--threads');
  const metricsPort =
    opts.metricsPort === undefined ? undefined : metricsPortOfWorker(nonNegativeInt(opts.metricsPort, '--metrics-port'), workerIndex());
  const extraWorker = process.env[EXTRA_WORKER_ENV] === '1';
  // Extra workers share the flags: they take any free port and are found through the data dir.
  const queryPort = opts.queryPort === undefined || extraWorker ? undefined : nonNegativeInt(opts.queryPort, '--query-port');
  await withEnvironment(
    program,
    async (env) => {
      if (workers > 1 && env.settings.backend === 'embedded') {
        throw new Error(
          '--workers > 1 needs --backend kafka (the embedded log serves one worker process per data dir; use --threads N for more cores)',
        );
      }
      // From before the start: a Ctrl-C while the pipelines start stops them once started.
      const signalled = extraWorker ? Promise.race([stopSignal(), firstProcessGone()]) : stopSignal();
      const children = extraWorker || workers === 1 ? undefined : forkExtraWorkers(workers - 1, opts.untilIdle === true);
      const running = await startPipelines(env, {
        pipelines,
        allInputs: names.includes('all'),
        optionalModels: names.includes('all'),
        metricsPort,
        queryPort,
        withSinks: !extraWorker,
        onProgress: showProgress(new ProgressLine()),
      }).catch(async (err: unknown) => {
        await children?.stop();
        throw err;
      });
      const stop = onceStopped(running.stop, children);
      const failed = Promise.race([running.whenFailed(), ...(children ? [children.whenFailed()] : [])]);
      if (opts.untilIdle) {
        const idle = Promise.race([running.untilIdle(), failed.then((err) => Promise.reject(err))]).then(() => 'idle' as const);
        const outcome = await Promise.race([idle, signalled.then(() => 'interrupted' as const)]).catch((err: unknown) => {
          if (err instanceof RunFailedError) return err;
          throw err;
        });
        if (outcome instanceof RunFailedError) return stopAfterFailure(stop, outcome, children);
        if (outcome === 'interrupted') {
          // Interrupted: what is done is committed like on a plain run's Ctrl-C; the next run goes on from there.
          idle.catch(() => undefined);
          await stopWithinDeadline(stop, 'stopping before idle: commit, flush, close (the next run goes on from here)', children);
          process.exitCode = INTERRUPTED_EXIT;
          return;
        }
        const workersDone = await children?.allExited().catch((err: unknown) => err);
        if (workersDone instanceof RunFailedError) return stopAfterFailure(stop, workersDone, children);
        const summary = extraWorker ? undefined : await summarize(env, running.warehouse);
        await stop();
        if (summary) print(formatSummary(summary));
        return;
      }
      process.stderr.write(`running ${pipelines.map((p) => p.name).join(', ')}; Ctrl-C to stop\n`);
      const failure = await Promise.race([signalled.then(() => undefined), failed]);
      if (failure) return stopAfterFailure(stop, failure, children);
      await stopWithinDeadline(stop, 'stopping: commit, flush, close', children);
    },
    threads === undefined ? {} : { streamThreads: threads },
  );
}

/** The shell's status for a command ended by Ctrl-C (128 + SIGINT). */
const INTERRUPTED_EXIT = 130;

/** Resolves at the first SIGINT or SIGTERM; from then on the process stops itself. */
function stopSignal(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}

/**
 * A pipeline or sink failed and stays dead: the rest of the run is stopped too (what is committed
 * stays committed; the next run goes on from there), as Kafka Streams' default SHUTDOWN_CLIENT does,
 * rather than running on with a part silently missing.
 */
async function stopAfterFailure(stop: () => Promise<void>, failure: RunFailedError, children: WorkerProcesses | undefined): Promise<void> {
  const line = `riskstream: ${failure.message}`;
  // Named again if the stop overruns its deadline: the last line says why the run ended.
  await stopWithinDeadline(stop, `${line}; stopping the run (commit, flush, close)`, children, `${line}; `);
  process.exitCode = 1;
}

async function stopWithinDeadline(
  stop: () => Promise<void>,
  message: string,
  children: WorkerProcesses | undefined,
  overrunPrefix = 'riskstream: ',
): Promise<void> {
  const deadlineEnv = process.env[STOP_DEADLINE_ENV];
  const ms = deadlineEnv === undefined ? 10_000 : positiveInt(deadlineEnv, STOP_DEADLINE_ENV);
  process.stderr.write(`${message}\n`);
  const deadline = setTimeout(() => {
    process.stderr.write(`${overrunPrefix}shutdown took longer than ${ms / 1000} s; exiting (uncommitted work is re-read next run)\n`);
    // No worker outlives the run.
    children?.kill();
    process.exit(1);
  }, ms);
  deadline.unref();
  await stop();
  clearTimeout(deadline);
}

function forkExtraWorkers(n: number, untilIdle: boolean): WorkerProcesses {
  const bin = fileURLToPath(new URL('../../bin/riskstream.js', import.meta.url));
  return forkWorkers(bin, process.argv.slice(2), n, untilIdle);
}

function onceStopped(stop: () => Promise<void>, children: WorkerProcesses | undefined): () => Promise<void> {
  return async () => {
    await Promise.all([stop(), children?.stop()]);
  };
}

export function showProgress(line: ProgressLine): (p: RunProgress) => void {
  return (p) => {
    const parts = p.pipelines.map(
      ({ name, progress: s }) =>
        `${name}: ${formatCount(s.recordsIn)} in (${formatCount(s.recordsInPerSecond)}/s), ${formatCount(s.recordsOut)} out`,
    );
    for (const s of p.sinks) parts.push(sinkProgressText(s));
    // The rates left out: a rate decaying to 0 is not news.
    const counts = [...p.pipelines.map(({ progress: s }) => `${s.recordsIn}/${s.recordsOut}`), ...p.sinks.map(sinkProgressText)];
    line.update(parts.join(' | '), counts.join(' | '));
  };
}
