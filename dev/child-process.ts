// Runs a server process (Kafka's JVM, clickhouse-server) so that it never outlives us:
// - it leads its own process group, and stop() signals the whole group;
// - an 'exit' handler (and SIGINT/SIGTERM/SIGHUP handlers when nobody else handles them) kill every live group;
// - `setpriv --pdeathsig KILL` makes the kernel kill it if we are killed outright (SIGKILL, OOM), where no handler runs.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';

export interface ServiceProcess {
  readonly pid: number;
  readonly logFile: string;
  /** True once the process has exited (on its own or by stop()). */
  exited(): boolean;
  exitCode(): number | null;
  /** The last lines of its stdout/stderr log, for error messages. */
  tail(lines?: number): string;
  /** SIGTERM to the group, SIGKILL after graceMs; resolves once it has exited. */
  stop(graceMs?: number): Promise<void>;
}

const liveGroups = new Set<number>();
let handlersInstalled = false;

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

function killAllNow(): void {
  for (const pid of liveGroups) killGroup(pid, 'SIGKILL');
  liveGroups.clear();
}

function installExitHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', killAllNow);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = (): void => {
      // Another listener (vitest, dev/cli.ts) owns shutdown and stops services gracefully; the 'exit'
      // handler is the backstop. Alone, we end the children and re-raise so the signal still ends us.
      if (process.listenerCount(signal) > 1) return;
      killAllNow();
      process.removeListener(signal, onSignal);
      process.kill(process.pid, signal);
    };
    process.on(signal, onSignal);
  }
}

const hasSetpriv = ((): boolean => {
  try {
    return spawnSync('setpriv', ['--help'], { stdio: 'ignore' }).status === 0;
  } catch {
    return false;
  }
})();

export function spawnService(
  command: string,
  args: readonly string[],
  opts: { cwd: string; logFile: string; env?: NodeJS.ProcessEnv },
): ServiceProcess {
  installExitHandlers();
  const logFd = openSync(opts.logFile, 'a');
  const [file, argv] = hasSetpriv ? ['setpriv', ['--pdeathsig', 'KILL', '--', command, ...args]] : [command, [...args]];
  const child = spawn(file, argv, {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    detached: true, // own process group (setsid), so stop() reaches every descendant
    stdio: ['ignore', logFd, logFd],
  });
  closeSync(logFd);
  let code: number | null = null;
  let done = false;
  let spawnError: Error | undefined;
  const exitedPromise = new Promise<void>((resolve) => {
    const finish = (c: number | null): void => {
      done = true;
      code = c;
      if (child.pid) liveGroups.delete(child.pid);
      resolve();
    };
    child.once('exit', (c) => finish(c));
    child.once('error', (err) => {
      // spawn itself failed (e.g. the command is missing): tail() reports this instead of the log
      spawnError = err;
      finish(127);
    });
  });
  const pid = child.pid ?? -1;
  if (pid > 0) liveGroups.add(pid);

  return {
    pid,
    logFile: opts.logFile,
    exited: () => done,
    exitCode: () => code,
    tail(lines = 15): string {
      if (spawnError) return spawnError.message;
      if (!existsSync(opts.logFile)) return '';
      return readFileSync(opts.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    },
    async stop(graceMs = 5000): Promise<void> {
      if (done || pid <= 0) return;
      killGroup(pid, 'SIGTERM');
      const timer = setTimeout(() => killGroup(pid, 'SIGKILL'), graceMs);
      await exitedPromise;
      clearTimeout(timer);
      // The leader is gone; make sure nothing else in its group lingers.
      killGroup(pid, 'SIGKILL');
    },
  };
}
