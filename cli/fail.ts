import { logger } from '../engine/index.ts';

/** One line on stderr, full detail in the debug log, non-zero exit. */
export function fail(err: unknown): never {
  const message = err instanceof Error ? err.message : String(err);
  logger.debug({ err }, 'command failed');
  process.stderr.write(`riskstream: ${message.split('\n')[0]}\n`);
  process.exit(1);
}
