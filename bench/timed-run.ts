// How long an app takes to consume `records` input records until idle, measured the same way by every
// bench: the processing phase starts at the first progress report with records in, so start-up
// (threads, group join, producers, restore) is left out, as the kafkajs baselines leave out their
// group join. CPU is the whole process's (stream threads, GC, compiler).

interface IdleRunnable {
  runUntilIdle(): Promise<unknown>;
  progress(): { recordsIn: number; recordsOut: number };
}

export interface TimedRun {
  seconds: number;
  recordsOut: number;
  /** Input records per second of the processing phase; 0 when no progress was seen. */
  processingEps: number;
  startupSeconds: number;
  cpuMicrosPerRecord: number;
}

export async function timeUntilIdle(app: IdleRunnable, records: number): Promise<TimedRun> {
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  let firstProgress: { at: number; recordsIn: number } | undefined;
  const sampler = setInterval(() => {
    const recordsIn = app.progress().recordsIn;
    if (firstProgress === undefined && recordsIn > 0) firstProgress = { at: performance.now(), recordsIn };
  }, 5);
  try {
    await app.runUntilIdle();
  } finally {
    clearInterval(sampler);
  }
  const finished = performance.now();
  const cpu = process.cpuUsage(cpuBefore);
  return {
    seconds: (finished - started) / 1000,
    recordsOut: app.progress().recordsOut,
    processingEps:
      firstProgress === undefined ? 0 : Math.round((records - firstProgress.recordsIn) / ((finished - firstProgress.at) / 1000)),
    startupSeconds: firstProgress === undefined ? 0 : (firstProgress.at - started) / 1000,
    cpuMicrosPerRecord: (cpu.user + cpu.system) / records,
  };
}
