import { fork, type ChildProcess } from 'node:child_process';
import type { Command } from 'commander';
import { fileURLToPath } from 'node:url';
import { pipelinesNamed } from '../../app/catalog.ts';
import { RunFailedError, startPipelines, type RunProgress } from '../../app/run-pipelines.ts';
import { formatSummary, summarize } from '../../app/summary.ts';
import { formatCount, ProgressLine, sinkProgressText } from '../progress.ts';
import { nonNegativeInt, positiveInt, print, withEnvironment } from '../session.ts';

/** Set on the extra processes of `run --workers N`: they process, the first process runs the sinks. */
const WORKER_ENV = 'RISKSTREAM_EXTRA_WORKER';
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
  const metricsPort = opts.metricsPort === undefined ? undefined : nonNegativeInt(opts.metricsPort, '--metrics-port');
  const extraWorker = process.env[WORKER_ENV] === '1';
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
      const signalled = stopSignal();
      const children = extraWorker ? [] : forkWorkers(workers - 1);
      const running = await startPipelines(env, {
        pipelines,
        allInputs: names.includes('all'),
        optionalModels: names.includes('all'),
        metricsPort,
        queryPort,
        withSinks: !extraWorker,
        onProgress: showProgress(new ProgressLine()),
      });
      const stop = onceStopped(running.stop, children);
      if (opts.untilIdle) {
        const idle = running.untilIdle().then(() => 'idle' as const);
        const outcome = await Promise.race([idle, signalled.then(() => 'interrupted' as const)]).catch((err: unknown) => {
          if (err instanceof RunFailedError) return err;
          throw err;
        });
        if (outcome instanceof RunFailedError) return stopAfterFailure(stop, outcome);
        if (outcome === 'interrupted') {
          // Interrupted: what is done is committed like on a plain run's Ctrl-C; the next run goes on from there.
          idle.catch(() => undefined);
          await stopWithinDeadline(stop, 'stopping before idle: commit, flush, close (the next run goes on from here)');
          process.exitCode = INTERRUPTED_EXIT;
          return;
        }
        await Promise.all(children.map(exited));
        const summary = extraWorker ? undefined : await summarize(env, running.warehouse);
        await stop();
        if (summary) print(formatSummary(summary));
        return;
      }
      process.stderr.write(`running ${pipelines.map((p) => p.name).join(', ')}; Ctrl-C to stop\n`);
      const failure = await Promise.race([signalled.then(() => undefined), running.whenFailed()]);
      if (failure) return stopAfterFailure(stop, failure);
      await stopWithinDeadline(stop, 'stopping: commit, flush, close');
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
async function stopAfterFailure(stop: () => Promise<void>, failure: RunFailedError): Promise<void> {
  const line = `riskstream: ${failure.message}`;
  // Named again if the stop overruns its deadline: the last line says why the run ended.
  await stopWithinDeadline(stop, `${line}; stopping the run (commit, flush, close)`, `${line}; `);
  process.exitCode = 1;
}

async function stopWithinDeadline(stop: () => Promise<void>, message: string, overrunPrefix = 'riskstream: '): Promise<void> {
  const deadlineEnv = process.env[STOP_DEADLINE_ENV];
  const ms = deadlineEnv === undefined ? 10_000 : positiveInt(deadlineEnv, STOP_DEADLINE_ENV);
  process.stderr.write(`${message}\n`);
  const deadline = setTimeout(() => {
    process.stderr.write(`${overrunPrefix}shutdown took longer than ${ms / 1000} s; exiting (uncommitted work is re-read next run)\n`);
    process.exit(1);
  }, ms);
  deadline.unref();
  await stop();
  clearTimeout(deadline);
}

function forkWorkers(n: number): ChildProcess[] {
  const bin = fileURLToPath(new URL('../../bin/riskstream.js', import.meta.url));
  return Array.from({ length: n }, () =>
    fork(bin, process.argv.slice(2), { env: { ...process.env, [WORKER_ENV]: '1' }, stdio: 'inherit' }),
  );
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', () => resolve())));
}

function onceStopped(stop: () => Promise<void>, children: ChildProcess[]): () => Promise<void> {
  return async () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
    await Promise.all([stop(), ...children.map(exited)]);
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
