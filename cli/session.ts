// Opens the environment for a command and always closes it, whatever the command does.
import type { Command } from 'commander';
import { openEnvironment, type Environment } from '../app/environment.ts';
import type { Settings } from '../app/settings.ts';
import { setLogLevel } from '../engine/index.ts';
import { settingsOf } from './context.ts';

/** `overrides`: settings a command's own flags set (e.g. run --threads). */
export async function withEnvironment<T>(
  program: Command,
  work: (env: Environment) => Promise<T>,
  overrides: Partial<Settings> = {},
): Promise<T> {
  const settings = { ...settingsOf(program), ...overrides };
  setLogLevel(settings.logLevel);
  const env = await openEnvironment(settings);
  try {
    return await work(env);
  } finally {
    await env.close();
  }
}

/** A count of at least 1 (--threads, --workers, --events ...), written as plain digits. */
export function positiveInt(value: string, option: string): number {
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`${option} must be a positive integer, got '${value}'`);
  return n;
}

/** A number where 0 means something (--seed, --metrics-port 0 = any free port), written as plain digits. */
export function nonNegativeInt(value: string, option: string): number {
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n)) throw new Error(`${option} must be a non-negative integer, got '${value}'`);
  return n;
}

export function print(line = ''): void {
  process.stdout.write(`${line}\n`);
}
