// Runs pipelines together with the sinks that land their inputs and outputs in the warehouse and the
// lake: what `riskstream run` and `riskstream demo` do. With chDB as the warehouse it also serves
// queries from this process (chDB allows one process per data dir), so `riskstream query` works meanwhile.
import { runSinks, type RunningSinks, type SinkProgress } from '../connectors/sinks/sink-runner.ts';
import { ClickHouseSink } from '../connectors/sinks/clickhouse-sink.ts';
import { ParquetLakeSink } from '../connectors/sinks/parquet-lake-sink.ts';
import { SINK_TRANSFORMS } from '../connectors/sinks/transforms.ts';
import { DEFAULT_PARTITIONS, INPUT_TOPICS } from '../schemas/topics.ts';
import type { TopicName } from '../schemas/types.ts';
import { startWarehouseQueryServer, type WarehouseQueryServer } from '../warehouse/query-server.ts';
import type { Warehouse } from '../warehouse/warehouse.ts';
import { inputsOf, type PipelineDefinition } from './catalog.ts';
import type { Environment } from './environment.ts';
import { type StreamsProgress, logger, startStateQueryServer, type StateQueryServer } from '../engine/index.ts';
import { pipelineApp, type PipelineApp } from './pipeline-app.ts';
import { MissingModelError } from './pipeline-models.ts';
import { queriesDirOf } from './state-queries.ts';

export interface RunOptions {
  pipelines: PipelineDefinition[];
  /** Land every input topic, not only the pipelines' inputs (`run all`). */
  allInputs?: boolean;
  metricsPort?: number;
  /** Leave out, with a warning, a pipeline whose model has no promoted version yet (`run all`). */
  optionalModels?: boolean;
  /** Run the sinks and the query endpoint here (default true); extra workers of `run --workers N` do not. */
  withSinks?: boolean;
  onProgress?: (p: RunProgress) => void;
  progressIntervalMs?: number;
  /** Port of the state-query endpoint (default: any free port); always on 127.0.0.1, advertised in <dataDir>/queries/. */
  queryPort?: number;
}

export interface RunProgress {
  pipelines: { name: string; progress: StreamsProgress }[];
  sinks: SinkProgress[];
}

export interface RunningPipelines {
  /**
   * Resolves once every input is consumed and committed and every sink has flushed what it read;
   * rejects with a RunFailedError when a pipeline or a sink fails first.
   */
  untilIdle(): Promise<void>;
  /** Resolves with the first pipeline or sink that fails (see RunFailedError); never on a plain stop. */
  whenFailed(): Promise<RunFailedError>;
  /** Commit, flush, close. */
  stop(): Promise<void>;
  progress(): Promise<RunProgress>;
  /** Undefined for a worker without sinks. */
  readonly warehouse: Warehouse | undefined;
}

/**
 * A pipeline or a sink of the run failed (not a poison record: those go to the DLQ, and not a broker
 * outage the engine recovers from). It stays dead, so the run as a whole should stop.
 */
export class RunFailedError extends Error {
  constructor(
    /** `pipeline risk-features`, `sink clickhouse` */
    readonly failed: string,
    cause: Error,
  ) {
    super(`${failed} failed: ${cause.message.split('\n')[0]}`, { cause });
    this.name = 'RunFailedError';
  }
}

/** Topics the sinks land for a run: the pipelines' inputs and outputs (plus every input for `all`). */
export function sunkTopicsOf(opts: RunOptions): TopicName[] {
  const topics = new Set<TopicName>(opts.allInputs ? INPUT_TOPICS : []);
  for (const p of opts.pipelines) for (const t of [...inputsOf(p), ...p.outputs]) topics.add(t);
  return [...topics];
}

export async function startPipelines(env: Environment, opts: RunOptions): Promise<RunningPipelines> {
  await ensureTopics(env, sunkTopicsOf(opts));
  const warehouse = opts.withSinks === false ? undefined : await env.openWarehouse({ autoMigrate: true });
  let queryServer: WarehouseQueryServer | undefined;
  let stateQueryServer: StateQueryServer | undefined;
  let sinks: RunningSinks | undefined;
  const apps: PipelineApp[] = [];
  const started: PipelineDefinition[] = [];
  try {
    if (warehouse?.kind === 'chdb') queryServer = await startWarehouseQueryServer(warehouse, env.settings.dataDir);
    for (const def of opts.pipelines) {
      try {
        apps.push(await pipelineApp(env, def, opts.metricsPort));
        started.push(def);
      } catch (err) {
        if (!(opts.optionalModels && err instanceof MissingModelError)) throw err;
        process.stderr.write(`${def.name} left out: ${err.message}\n`);
      }
    }
    for (const app of apps) await app.start();
    stateQueryServer = await startStateQueryServer({
      targets: apps,
      port: opts.queryPort,
      advertiseDir: queriesDirOf(env.settings.dataDir),
    });
    const common = {
      backend: env.backend,
      serde: env.serde,
      topics: sunkTopicsOf(opts),
      transforms: SINK_TRANSFORMS,
      deadLetters: true,
      logger,
    };
    const targets = !warehouse ? [] : [new ClickHouseSink(warehouse, { logger }), new ParquetLakeSink(env.lakeStore(), { logger })];
    sinks = await runSinks(common, targets);
  } catch (err) {
    await stateQueryServer?.close().catch(() => undefined);
    await Promise.allSettled(apps.map((a) => a.stop()));
    await sinks?.stop().catch(() => undefined);
    await queryServer?.close().catch(() => undefined);
    await warehouse?.close().catch(() => undefined);
    throw err;
  }
  const runningSinks = sinks;
  const progress = async (): Promise<RunProgress> => ({
    pipelines: started.map((def, i) => ({ name: def.name, progress: apps[i].progress() })),
    sinks: await runningSinks.progress(),
  });
  const timer = opts.onProgress
    ? setInterval(() => {
        progress().then(opts.onProgress!, () => undefined);
      }, opts.progressIntervalMs ?? 500)
    : undefined;
  let stopped: Promise<void> | undefined;
  const named = (what: string) => (err: unknown) => new RunFailedError(what, err instanceof Error ? err : new Error(String(err)));
  const failed = Promise.race([
    ...apps.map((a, i) => a.whenFailed().then(named(`pipeline ${started[i].name}`))),
    ...runningSinks.sinks.map((s) => s.whenFailed().then(named(`sink ${s.name}`))),
  ]);
  const rethrown = (what: string) => (err: unknown) => {
    throw err instanceof RunFailedError ? err : named(what)(err);
  };
  return {
    warehouse,
    progress,
    whenFailed: () => failed,
    async untilIdle() {
      const idle = (async () => {
        // Pipelines first: their outputs are sink inputs, so the sinks are idle only after them.
        await Promise.all(apps.map((a, i) => a.runUntilIdle().catch(rethrown(`pipeline ${started[i].name}`))));
        await Promise.all(runningSinks.sinks.map((s) => s.untilIdle().catch(rethrown(`sink ${s.name}`))));
      })();
      // A sink failing while the pipelines still run ends the wait too.
      await Promise.race([idle, failed.then((err) => Promise.reject(err))]);
    },
    stop() {
      stopped ??= (async () => {
        if (timer) clearInterval(timer);
        await stateQueryServer?.close();
        await Promise.all(apps.map((a) => a.stop()));
        await runningSinks.stop();
        await queryServer?.close();
        await warehouse?.close();
      })();
      return stopped;
    },
  };
}

/** Input topics of a fresh data dir do not exist yet: create them so a run can start before any data. */
async function ensureTopics(env: Environment, topics: TopicName[]): Promise<void> {
  const admin = env.backend.admin();
  try {
    const missing: TopicName[] = [];
    for (const t of topics) if ((await admin.partitionCount(t)) === undefined) missing.push(t);
    if (missing.length > 0) await admin.createTopics(missing.map((name) => ({ name, partitions: DEFAULT_PARTITIONS })));
  } finally {
    await admin.close();
  }
}
