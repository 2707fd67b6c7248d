// `models schedule`: a retraining round on a cron expression (node-cron; six fields allow seconds).
// A round that is still running when the next is due is skipped rather than stacked.
import cron from 'node-cron';

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
    { noOverlap: true },
  );
  return {
    async stop() {
      await task.destroy();
      await running;
    },
  };
}
