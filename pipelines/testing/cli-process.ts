// Runs the riskstream CLI (bin/riskstream.js) as a child process, the way a user does: end-to-end
// tests drive it through these so every step crosses a real process boundary (and so each step
// opens its own chDB: libchdb allows one data directory per process).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const CLI_BIN = fileURLToPath(new URL('../../bin/riskstream.js', import.meta.url));

export interface CliResult {
  stdout: string;
  stderr: string;
}

export class CliFailedError extends Error {
  constructor(args: readonly string[], code: number | null, signal: NodeJS.Signals | null, stderr: string) {
    const tail = stderr.trim().split('\n').slice(-5).join('\n');
    super(`riskstream ${args.join(' ')} failed (${signal ?? `exit ${code}`}):\n${tail}`);
    this.name = 'CliFailedError';
  }
}

export interface CliOptions {
  /** Extra environment (merged over process.env). */
  env?: Record<string, string | undefined>;
  /** Run as this uid and gid (cliOutcome only; root ignores file modes, another user does not). */
  asUser?: number;
}

/** How a CLI command ended, whatever its exit status. */
export interface CliOutcome {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `riskstream --data-dir DIR --log-level warn ARGS...` to its end and says how it ended. */
export function cliOutcome(dataDir: string, args: readonly string[], opts: CliOptions = {}): CliOutcome {
  const r = spawnSync(process.execPath, [CLI_BIN, '--data-dir', dataDir, '--log-level', 'warn', ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...opts.env },
    ...(opts.asUser === undefined ? {} : { uid: opts.asUser, gid: opts.asUser }),
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The outcome of a refused command: one line on stderr, exit 1, nothing on stdout. */
export function refusal(message: string): CliOutcome {
  return { status: 1, stdout: '', stderr: `riskstream: ${message}\n` };
}

/** Starts `riskstream --data-dir DIR --log-level warn ARGS...` without waiting for it. */
export function startCli(dataDir: string, args: readonly string[], opts: CliOptions = {}): ChildProcess {
  return spawn(process.execPath, [CLI_BIN, '--data-dir', dataDir, '--log-level', 'warn', ...args], {
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Waits for a started CLI process; resolves with its output on exit 0, rejects otherwise. */
export function finished(child: ChildProcess, args: readonly string[]): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      if (code === 0) resolve({ stdout, stderr });
      else reject(new CliFailedError(args, code, signal, stderr));
    });
  });
}

/** Runs one CLI command to completion. */
export function runCli(dataDir: string, args: readonly string[], opts: CliOptions = {}): Promise<CliResult> {
  return finished(startCli(dataDir, args, opts), args);
}

/** Resolves once the process has exited (whatever the exit status). */
export function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));
}

/** The count of one line of the summary's `topic records:` or `warehouse rows (FINAL):` section. */
export function summaryCount(summary: string, section: string, name: string): number {
  const lines = summary.split('\n');
  const from = lines.indexOf(section);
  const line = lines.slice(from + 1).find((l) => l.trim().split(/\s+/)[0] === name);
  if (from < 0 || line === undefined) throw new Error(`no ${name} under '${section}' in:\n${summary}`);
  return Number(line.trim().split(/\s+/)[1]);
}
