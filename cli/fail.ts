import { logger } from '../engine/index.ts';

/** A failure with its own exit status (e.g. 2: connect file loaded the file but rejected too many lines). */
export class ExitStatusError extends Error {
  constructor(message: string, readonly exitCode: number) {
    super(message);
    this.name = 'ExitStatusError';
  }
}

/** One line on stderr, full detail in the debug log, non-zero exit (1 unless the error says otherwise). */
export function fail(err: unknown): never {
  const message = err instanceof Error ? err.message : String(err);
  logger.debug({ err }, 'command failed');
  process.stderr.write(`riskstream: ${message.split('\n')[0]}\n`);
  process.exit(err instanceof ExitStatusError ? err.exitCode : 1);
}
