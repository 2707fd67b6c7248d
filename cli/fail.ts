/** A failure with its own exit status (e.g. 2: connect file loaded the file but rejected too many lines). */
export class ExitStatusError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
    this.name = 'ExitStatusError';
  }
}

/**
 * One line on stderr, full detail in the debug log, non-zero exit (1 unless the error says
 * otherwise). The engine (for its logger) is imported here rather than at the top: `riskstream
 * --help` should not load it.
 */
export async function fail(err: unknown): Promise<never> {
  const message = err instanceof Error ? err.message : String(err);
  const { logger } = await import('../engine/index.ts');
  logger.debug({ err }, 'command failed');
  process.stderr.write(`riskstream: ${message.split('\n')[0]}\n`);
  process.exit(err instanceof ExitStatusError ? err.exitCode : 1);
}
