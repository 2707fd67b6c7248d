// One pipeline as a running application: a StreamsApp in this thread, or N stream threads of this
// process, each building its StreamsApp with the same options.
import { logger, StreamsApp, StreamThreads, type StreamsAppOptions } from '../engine/index.ts';
import type { PipelineDefinition } from './catalog.ts';
import type { Environment } from './environment.ts';
import { pipelineThreadFactory } from './pipeline-thread.ts';
import { readReplayFloor } from './replay.ts';
import type { Settings } from './settings.ts';
import type { StreamEnvironment } from './stream-environment.ts';

export type PipelineApp = Pick<StreamsApp, 'start' | 'runUntilIdle' | 'stop' | 'progress'>;

export interface PipelineAppOptions {
  /** Windows starting before this time are not emitted (the replay floor). */
  emitWindowsFrom: number | undefined;
  metricsPort?: number;
}

/** The StreamsApp options of a pipeline: the same in a single-threaded run and in every stream thread. */
export function streamsAppOptionsOf(def: PipelineDefinition, env: StreamEnvironment, settings: Settings, options: PipelineAppOptions): StreamsAppOptions {
  return {
    applicationId: def.applicationId,
    topology: def.topology(env.serde, { emitWindowsFrom: options.emitWindowsFrom }),
    backend: env.backend,
    stateDir: env.stateDir,
    guarantee: settings.guarantee,
    commitIntervalMs: settings.commitIntervalMs,
    minEventTime: settings.minEventTime,
    maxEventTimeSkewMs: settings.maxEventTimeSkewMs,
    metricsPort: options.metricsPort,
    logger,
  };
}

export function pipelineApp(env: Environment, def: PipelineDefinition, metricsPort: number | undefined): PipelineApp {
  const emitWindowsFrom = readReplayFloor(env.settings.dataDir, def.name);
  const threads = env.settings.streamThreads;
  if (threads === 1) return new StreamsApp(streamsAppOptionsOf(def, env, env.settings, { emitWindowsFrom, metricsPort }));
  const factory = pipelineThreadFactory({ settings: env.settings, pipeline: def.name, emitWindowsFrom });
  return new StreamThreads({ applicationId: def.applicationId, threads, factory, backend: env.backend, logger, metricsPort });
}
