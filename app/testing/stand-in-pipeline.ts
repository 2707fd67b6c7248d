// A test topology dressed as a pipeline of the catalog, for the app's state and worklist queries:
// the catalog entry they look stores up in, and a run that serves its stores as `riskstream run` does.
import { startStateQueryServer, StreamsApp, type Backend, type Topology } from '../../engine/index.ts';
import type { PipelineDefinition } from '../catalog.ts';
import type { Settings } from '../settings.ts';
import { queriesDirOf } from '../state-queries.ts';
import { stateDirOf } from '../stream-environment.ts';

export interface StandInPipeline {
  def: PipelineDefinition;
  /** Runs it until idle, then serves its stores at an endpoint advertised in the data dir; stop() ends both. */
  runServingQueries(settings: Settings, backend: Backend): Promise<{ stop(): Promise<void> }>;
}

export function standInPipeline(name: string, applicationId: string, topology: () => Topology): StandInPipeline {
  const def: PipelineDefinition = {
    name,
    description: 'test',
    applicationId,
    topology,
    streamInputs: [],
    tableInputs: [],
    outputs: [],
    lateTopics: [],
    replayLookbackMs: 0,
  };
  return {
    def,
    async runServingQueries(settings, backend) {
      const app = new StreamsApp({ applicationId, topology: topology(), backend, stateDir: stateDirOf(settings) });
      await app.runUntilIdle();
      const server = await startStateQueryServer({ targets: [app], advertiseDir: queriesDirOf(settings.dataDir) });
      return {
        async stop() {
          await server.close();
          await app.stop();
        },
      };
    },
  };
}
