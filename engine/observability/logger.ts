// JSON logs to stderr (stdout carries results). Level from RISKSTREAM_LOG_LEVEL, default info.
import { pino, type Logger } from 'pino';

export type { Logger };

export const logger: Logger = pino(
  { name: 'riskstream', level: process.env.RISKSTREAM_LOG_LEVEL ?? 'info' },
  pino.destination({ fd: 2, sync: false }),
);

export function setLogLevel(level: string): void {
  logger.level = level;
}
