// `models schedule`: a retraining round on a cron expression (node-cron; six fields allow seconds).
// A round that is still running when the next is due is skipped rather than stacked; node-cron's
// own messages (skipped and missed runs) go to the project's JSON log at debug level.
import cron from 'node-cron';
import { logger } from '../engine/index.ts';

const cronLog = {
  info: (message: string) => logger.debug({ source: 'node-cron' }, message),
  warn: (message: string) => logger.debug({ source: 'node-cron' }, message),
  error: (message: string | Error) => logger.warn({ source: 'node-cron' }, String(message)),
  debug: (message: string | Error) => logger.debug({ source: 'node-cron' }, String(message)),
};

export interface RetrainSchedule {
  stop(): Promise<void>;
}

export function scheduleRetraining(expression: string, round: () => Promise<void>, onError: (err: Error) => void): RetrainSchedule {
  if (!cron.validate(expression)) throw new Error(`invalid cron expression '${expression}'`);
  let running: Promise<void> | null = null;
  const task = cron.schedule(
    expression,
    async () => {
      running = round().catch((err: unknown) => onError(err instanceof Error ? err : new Error(String(err))));
      await running;
      running = null;
    },
    { noOverlap: true, logger: cronLog },
  );
  return {
    async stop() {
      await task.destroy();
      await running;
    },
  };
}
