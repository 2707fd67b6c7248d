// A pipeline's stream thread (run with streamThreads > 1): each thread opens its own environment
// (backend, registry, serde) from the settings and builds the pipeline's topology itself.
import { type StreamThreadSlot, type StreamThreadApp, type StreamThreadFactory, logger, setLogLevel } from '../engine/index.ts';
import { pipelinesNamed } from './catalog.ts';
import { openStreamEnvironment } from './stream-environment.ts';
import type { Settings } from './settings.ts';

export interface PipelineThreadArgs {
  settings: Settings;
  pipeline: string;
  /** The replay floor read by the main thread (windows before it are not emitted). */
  emitWindowsFrom: number | undefined;
}

export function pipelineThreadFactory(args: PipelineThreadArgs): StreamThreadFactory {
  return { module: import.meta.url, exportName: 'pipelineThreadApp', args };
}

export async function pipelineThreadApp(raw: unknown, _thread: StreamThreadSlot): Promise<StreamThreadApp> {
  const args = raw as PipelineThreadArgs;
  setLogLevel(args.settings.logLevel);
  const env = await openStreamEnvironment(args.settings);
  const [def] = pipelinesNamed([args.pipeline]);
  return {
    options: {
      applicationId: def.applicationId,
      topology: def.topology(env.serde, { emitWindowsFrom: args.emitWindowsFrom }),
      backend: env.backend,
      stateDir: env.stateDir,
      guarantee: args.settings.guarantee,
      commitIntervalMs: args.settings.commitIntervalMs,
      minEventTime: args.settings.minEventTime,
      maxEventTimeSkewMs: args.settings.maxEventTimeSkewMs,
      logger,
    },
    close: () => env.close(),
  };
}
