// One pipeline as a running application: a StreamsApp in this thread, or N stream threads of this
// process, each building its StreamsApp with the same options.
import {
  logger,
  queryableSpecs,
  StreamsApp,
  StreamThreads,
  type QueryMerge,
  type StateQueryTarget,
  type StreamsAppOptions,
} from '../engine/index.ts';
import type { PromotedModel } from '../pipelines/pipeline.ts';
import { describedTopology, type PipelineDefinition } from './catalog.ts';
import type { Environment } from './environment.ts';
import { openPipelineModels } from './pipeline-models.ts';
import { pipelineThreadFactory } from './pipeline-thread.ts';
import { readReplayFloor } from './replay.ts';
import type { Settings } from './settings.ts';
import type { StreamEnvironment } from './stream-environment.ts';

/** A running pipeline; it answers interactive queries on its queryable stores. */
export type PipelineApp = Pick<StreamsApp, 'start' | 'runUntilIdle' | 'stop' | 'progress' | 'whenFailed'> & StateQueryTarget;

export interface PipelineAppOptions {
  /** Windows starting before this time are not emitted (the replay floor). */
  emitWindowsFrom: number | undefined;
  metricsPort?: number;
  models?: ReadonlyMap<string, PromotedModel>;
}

/** The StreamsApp options of a pipeline: the same in a single-threaded run and in every stream thread. */
export function streamsAppOptionsOf(
  def: PipelineDefinition,
  env: StreamEnvironment,
  settings: Settings,
  options: PipelineAppOptions,
): StreamsAppOptions {
  return {
    applicationId: def.applicationId,
    topology: def.topology(env.serde, {
      emitWindowsFrom: options.emitWindowsFrom,
      models: options.models,
      reconciliation: settings.reconciliation,
      riskFactors: settings.scoring.riskFactors,
    }),
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

/** Fails with MissingModelError when a model the pipeline scores with has no promoted version. */
export async function pipelineApp(env: Environment, def: PipelineDefinition, metricsPort: number | undefined): Promise<PipelineApp> {
  const emitWindowsFrom = readReplayFloor(env.settings.dataDir, def.name);
  const threads = env.settings.streamThreads;
  const models = await openPipelineModels(def, env.settings);
  if (threads > 1) {
    // Each stream thread loads its own models; these only checked that they load.
    await models.close();
    const factory = pipelineThreadFactory({ settings: env.settings, pipeline: def.name, emitWindowsFrom });
    // The threads' answers merge here, with the merges of the pipeline's queryable stores.
    const queryMerges = new Map<string, QueryMerge>();
    for (const [name, spec] of queryableSpecs(describedTopology(def)))
      if (spec.mergeQueryResults) queryMerges.set(name, spec.mergeQueryResults);
    return new StreamThreads({
      applicationId: def.applicationId,
      threads,
      factory,
      backend: env.backend,
      logger,
      metricsPort,
      queryMerges,
    });
  }
  const app = new StreamsApp(streamsAppOptionsOf(def, env, env.settings, { emitWindowsFrom, metricsPort, models: models.models }));
  return {
    start: () => app.start(),
    runUntilIdle: () => app.runUntilIdle(),
    progress: () => app.progress(),
    whenFailed: () => app.whenFailed(),
    applicationId: app.applicationId,
    query: (store, q) => app.query(store, q),
    queryMetadata: () => app.queryMetadata(),
    stop: async () => {
      await app.stop();
      await models.close();
    },
  };
}
