// A pipeline's stream thread (run with streamThreads > 1): each thread opens its own environment
// (backend, registry, serde) from the settings and builds the pipeline's topology itself.
import { type StreamThreadSlot, type StreamThreadApp, type StreamThreadFactory, setLogLevel } from '../engine/index.ts';
import { streamsAppOptionsOf } from './pipeline-app.ts';
import { pipelinesNamed } from './catalog.ts';
import { openPipelineModels } from './pipeline-models.ts';
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
  const models = await openPipelineModels(def, args.settings);
  return {
    options: streamsAppOptionsOf(def, env, args.settings, { emitWindowsFrom: args.emitWindowsFrom, models: models.models }),
    close: async () => {
      await models.close();
      await env.close();
    },
  };
}
