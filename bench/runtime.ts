// Stream engine throughput. The headline figures are issue 3's benchmark as it words it: a
// hopping-window aggregation over the Avro inputs, 30 windows per event, 4 partitions
// (windowed-aggregate-topology.ts), end to end on the embedded log (embedded_eps) and on Kafka
// (kafka_alos_eps, kafka_eos_eps), against plain kafkajs consume + Avro decode of the same data
// (kafkajs_raw_eps, the ceiling) and the time to restore a 1,000,000-key store from its changelog
// (restore_1m_keys_s). Beside them:
// - risk_features_*: the shipped risk-features topology (Avro decode, 30-day/1-day hopping windows
//   from day slices, suppress, as-of join to applications, 24-field Avro results) on the same data;
// - kafkajs_stock_raw_*, *_to_stock_raw: the same consume + decode on kafkajs as published, without
//   riskstream's patches (kafkajs_raw_eps was 1.7× it on 2026-12-07): what the engine's throughput
//   is against a consumer a user would write on plain kafkajs; the target stays against the patched one;
// - kafkajs_eos_floor_*: plain kafkajs doing only the I/O the windowed run must do, in
//   transactions (kafkajs-raw-transform.ts): what any engine on kafkajs spends at least;
// - stage_*: the windowed aggregation's stages apart on Kafka (stage-topologies.ts).
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import v8 from 'node:v8';
import vm from 'node:vm';
import {
  type Backend,
  type ProduceRecord,
  createEmbeddedBackend,
  StreamsApp,
  StreamThreads,
  type ProcessingGuarantee,
  KeyValueStore,
  LocalTaskState,
  restoreTaskStores,
  seededRandom,
  changelogTopicOf,
  type Topology,
  dlqTopicOf,
} from '../engine/index.ts';
import type { BenchThreadArgs } from './runtime-thread.ts';
import { timeUntilIdle } from './timed-run.ts';
import { RAW_TOPICS, type RawConsumeFigures } from './kafkajs-raw-consumer.ts';
import type { RawTransformFigures } from './kafkajs-raw-transform.ts';
import { riskFeaturesTopology } from '../pipelines/risk-features/topology.ts';
import { WINDOW_TOTALS_TOPIC, windowedAggregateTopology } from './windowed-aggregate-topology.ts';
import { consumeOnlyTopology, outputsOnlyTopology } from './stage-topologies.ts';
import { FileSchemaRegistry } from '../schemas/registry/file-registry.ts';
import { AvroSerde } from '../schemas/serde.ts';
import type { LoanApplication, Repayment, Transaction } from '../schemas/types.ts';
import { pino, type Logger } from 'pino';

const execFileAsync = promisify(execFile);
const DAY = 86_400_000;
const PARTITIONS = 4;
// A million events: start-up (embedded ~0.7 s of thread start; Kafka ~2.5 s of group join,
// producer fencing and restore checks on new topics) and JIT warm-up are a small share of the run.
const EMBEDDED_EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const KAFKA_EVENTS = Number(process.env.BENCH_KAFKA_EVENTS ?? 1_000_000);
/** Stream threads per run (Kafka Streams' num.stream.threads): one per core by default. */
const THREADS = Number(process.env.BENCH_THREADS ?? os.availableParallelism());

/**
 * How busy customers are decides the output volume: every active day opens 30 windows, so sparse
 * customers (a few events a month) produce several window results per event, busy ones far fewer.
 */
interface Density {
  /** Events per customer per day; the customer count follows from the number of events. */
  perCustomerDay: number;
  days: number;
}
/** ~2 events per customer per day: most windows hold many events. */
export const DENSE: Density = { perCustomerDay: 2.2, days: 90 };
/** ~1 event per customer per 15 days: ~10 window results per event. */
const SPARSE: Density = { perCustomerDay: 0.068, days: 365 };
const RESTORE_KEYS = Number(process.env.BENCH_RESTORE_KEYS ?? 1_000_000);

/** Time-ordered (a little jitter) events over one year: 85% transactions, 12% repayments, 3% applications. */
export function events(serde: AvroSerde, n: number, prefix: string, density: Density): ProduceRecord[] {
  const rnd = seededRandom(42);
  const start = Date.UTC(2025, 0, 1);
  const out: ProduceRecord[] = [];
  const customers = Math.max(1, Math.round(n / (density.perCustomerDay * density.days)));
  const cats = ['food', 'shopping', 'transport', null, 'housing'];
  for (let i = 0; i < n; i++) {
    const t = start + Math.floor((i / n) * density.days * DAY) - Math.floor(rnd() * 3_600_000);
    const customer = `c${Math.floor(rnd() * customers)}`;
    const base = { event_id: `e${i}`, tenant_id: 't1', event_time: t, customer_id: customer };
    const r = rnd();
    if (r < 0.85) {
      const txn: Transaction = {
        ...base,
        transaction_id: `x${i}`,
        account_id: 'a1',
        amount_cents: 1 + Math.floor(rnd() * 50_000),
        direction: rnd() < 0.7 ? 'DEBIT' : 'CREDIT',
        currency: 'EUR',
        merchant: 'Shop',
        description: 'card payment',
        category: cats[i % cats.length],
        channel: 'CARD',
      };
      out.push({ topic: `${prefix}transactions`, key: Buffer.from(customer), value: serde.encode('transactions', txn), timestamp: t });
    } else if (r < 0.97) {
      const rep: Repayment = {
        ...base,
        loan_id: 'l1',
        installment_no: 1,
        due_at: t - DAY * 3,
        paid_at: rnd() < 0.8 ? t : null,
        amount_due_cents: 10_000,
        amount_paid_cents: 10_000,
      };
      out.push({ topic: `${prefix}repayments`, key: Buffer.from(customer), value: serde.encode('repayments', rep), timestamp: t });
    } else {
      const app: LoanApplication = {
        ...base,
        application_id: `p${i}`,
        amount_cents: 1_000_000,
        term_months: 24,
        annual_rate_bps: 700,
        collateral_value_cents: rnd() < 0.5 ? null : 2_000_000,
        annual_income_cents: 5_000_000,
        monthly_debt_payments_cents: 50_000,
        credit_limit_cents: 500_000,
        credit_balance_cents: 120_000,
        employment_years: 3.5,
        purpose: 'car',
      };
      out.push({
        topic: `${prefix}loan-applications`,
        key: Buffer.from(customer),
        value: serde.encode('loan-applications', app),
        timestamp: t,
      });
    }
  }
  return out;
}

/** The inputs and the outputs of both workloads. */
/** The generated inputs (the topics the raw consumer reads too), then the outputs. */
const INPUT_TOPICS: readonly string[] = RAW_TOPICS;
const PIPELINE_TOPICS = [...INPUT_TOPICS, 'risk-features', WINDOW_TOTALS_TOPIC];

export async function load(backend: Backend, records: ProduceRecord[], prefix: string): Promise<void> {
  await backend.admin().createTopics(PIPELINE_TOPICS.map((t) => ({ name: `${prefix}${t}`, partitions: PARTITIONS })));
  const producer = await backend.producer();
  for (let i = 0; i < records.length; i += 20_000) await producer.send(records.slice(i, i + 20_000));
  await producer.close();
}

/**
 * A full GC of this process's heap between loading and a run: the run's stream threads share the
 * process, and the million records just generated and loaded (garbage once loaded) were otherwise
 * collected during the next run, at its expense.
 */
function collectLoadGarbage(): void {
  v8.setFlagsFromString('--expose-gc');
  (vm.runInNewContext('gc') as () => void)();
}

interface PipelineRun {
  /** Events per second end to end: from the start of the application to idle. */
  eps: number;
  outPerSecond: number;
  /** Events per second from the first progress report with records in to idle. */
  processingEps: number;
  /** Seconds from the start of the application to that first report (stream threads report every 0.1 s). */
  startupSeconds: number;
  /**
   * CPU time of this process (every thread: stream threads, GC and compiler threads) per event,
   * in microseconds. Unlike events/s it hardly moves with the machine's speed from run to run.
   */
  cpuMicrosPerEvent: number;
}

/** What a run computes: its topology in this thread, and the factory its stream threads build it with. */
interface Workload {
  topology(serde: AvroSerde, registry: FileSchemaRegistry): Topology;
  threadFactory: 'benchRiskFeaturesApp' | 'benchWindowedAggregateApp' | 'benchConsumeOnlyApp' | 'benchOutputsOnlyApp';
}
export const RISK_FEATURES: Workload = { topology: (serde) => riskFeaturesTopology(serde), threadFactory: 'benchRiskFeaturesApp' };
export const WINDOWED_AGGREGATE: Workload = { topology: windowedAggregateTopology, threadFactory: 'benchWindowedAggregateApp' };
/** The windowed aggregation's stages apart (stage-topologies.ts): figures stage_consume_* and stage_outputs_*. */
const CONSUME_ONLY: Workload = { topology: consumeOnlyTopology, threadFactory: 'benchConsumeOnlyApp' };
const OUTPUTS_ONLY: Workload = { topology: outputsOnlyTopology, threadFactory: 'benchOutputsOnlyApp' };

/** A workload's topology on the backend, `n` input events, until idle. */
export async function runPipeline(
  backend: Backend,
  serde: AvroSerde,
  dir: string,
  appId: string,
  guarantee: ProcessingGuarantee,
  n: number,
  log: BenchThreadArgs['log'],
  threads: number,
  workload: Workload = RISK_FEATURES,
): Promise<PipelineRun> {
  const registryDir = path.join(dir, 'registry');
  const stateDir = path.join(dir, `state-${appId}`);
  const app =
    threads > 1
      ? new StreamThreads({
          applicationId: appId,
          threads,
          backend,
          logger: quietLogger(),
          factory: {
            module: new URL('./runtime-thread.ts', import.meta.url).href,
            exportName: workload.threadFactory,
            args: { log, registryDir, stateDir, applicationId: appId, guarantee } satisfies BenchThreadArgs,
          },
        })
      : new StreamsApp({
          applicationId: appId,
          topology: workload.topology(serde, new FileSchemaRegistry(registryDir)),
          backend,
          stateDir,
          guarantee,
          logger: quietLogger(),
        });
  const run = await timeUntilIdle(app, n);
  await app.stop();
  return {
    eps: Math.round(n / run.seconds),
    outPerSecond: Math.round(run.recordsOut / run.seconds),
    processingEps: run.processingEps,
    startupSeconds: run.startupSeconds,
    cpuMicrosPerEvent: Number(run.cpuMicrosPerRecord.toFixed(2)),
  };
}

async function embeddedRun(
  serde: AvroSerde,
  dir: string,
  name: string,
  n: number,
  density: Density,
  threads: number,
  workload: Workload = RISK_FEATURES,
): Promise<PipelineRun> {
  const backend = createEmbeddedBackend(path.join(dir, `log-${name}`));
  try {
    await load(backend, events(serde, n, '', density), '');
    collectLoadGarbage();
    return await runPipeline(
      backend,
      serde,
      dir,
      `bench-${name}`,
      'exactly_once',
      n,
      { kind: 'embedded', dataDir: path.join(dir, `log-${name}`) },
      threads,
      workload,
    );
  } finally {
    await backend.close();
  }
}

function quietLogger(): Logger {
  return pino({ level: 'warn' });
}

async function restoreSeconds(backend: Backend, dir: string): Promise<number> {
  const appId = 'bench-restore';
  const topic = changelogTopicOf(appId, 'kv');
  await backend.admin().createTopics([{ name: topic, partitions: 1, compacted: true }]);
  const producer = await backend.producer();
  const value = Buffer.from(JSON.stringify({ balance_cents: 123456, days: 12 }));
  for (let i = 0; i < RESTORE_KEYS; i += 50_000) {
    const batch: ProduceRecord[] = [];
    for (let k = i; k < Math.min(i + 50_000, RESTORE_KEYS); k++)
      batch.push({ topic, partition: 0, key: Buffer.from(`customer-${k}`), value });
    await producer.send(batch);
  }
  await producer.close();
  const store = new KeyValueStore<unknown>('kv', {
    serialize: (v) => v as Buffer,
    deserialize: (b) => (b === null ? null : Buffer.from(b)),
  });
  const reader = await backend.partitionReader();
  const started = performance.now();
  await restoreTaskStores({
    taskId: '0_0',
    partition: 0,
    stores: new Map([['kv', store]]),
    changelogTopics: new Map([['kv', topic]]),
    local: new LocalTaskState(path.join(dir, 'restore-state'), appId, '0_0'),
    admin: backend.admin(),
    reader,
  });
  const seconds = (performance.now() - started) / 1000;
  await reader.close();
  if (store.size() !== RESTORE_KEYS) throw new Error(`restored ${store.size()} keys, expected ${RESTORE_KEYS}`);
  return seconds;
}

/**
 * On Kafka the topology's topic names are fixed (the risk-features pipeline as shipped), so the
 * bench owns them on the broker it is pointed at: it deletes them all and loads the inputs once.
 * The generated records are not kept: a million of them in this process's heap cost the runs
 * (whose stream threads share the process) CPU in major GCs of that heap, as they did the raw
 * consumer (see kafkajs-raw-consumer.ts): kafka_eos_cpu_us_per_event (the windowed run) 11.6 when they
 * were kept through the runs, 9.7 once not.
 */
async function loadKafkaInputs(serde: AvroSerde, n: number): Promise<void> {
  await resetKafkaTopics(async (backend) => load(backend, events(serde, n, '', DENSE), ''));
  collectLoadGarbage();
}

/** Deletes the topics of the bench's pipelines (all, or all but the inputs), then runs `then`. */
async function resetKafkaTopics<T>(then: (backend: Backend) => Promise<T>, keepInputs = false): Promise<T> {
  const { createKafkaBackend } = await import('../engine/backend/kafka/kafka-backend.ts');
  const backend = createKafkaBackend({ brokers: process.env.KAFKA_BROKERS!.split(','), clientId: 'bench-runtime' });
  try {
    const admin = backend.admin();
    const existing = new Set((await admin.listTopics()).map((t) => t.name));
    const owned = [...PIPELINE_TOPICS, ...PIPELINE_TOPICS.map(dlqTopicOf), 'risk-features.late', `${WINDOW_TOTALS_TOPIC}.late`];
    await admin.deleteTopics(owned.filter((t) => existing.has(t) && !(keepInputs && INPUT_TOPICS.includes(t))));
    await new Promise((r) => setTimeout(r, 2000));
    return await then(backend);
  } finally {
    await backend.close();
  }
}

/** One run over the inputs loadKafkaInputs wrote, with fresh output, DLQ and late topics. */
async function kafkaRun(
  serde: AvroSerde,
  dir: string,
  n: number,
  guarantee: ProcessingGuarantee,
  workload: Workload = RISK_FEATURES,
): Promise<PipelineRun> {
  return resetKafkaTopics(async (backend) => {
    await backend.admin().createTopics(PIPELINE_TOPICS.map((t) => ({ name: t, partitions: PARTITIONS })));
    return runPipeline(
      backend,
      serde,
      dir,
      `bench-kafka-${guarantee}-${Date.now()}`,
      guarantee,
      n,
      { kind: 'kafka', brokers: process.env.KAFKA_BROKERS!.split(',') },
      THREADS,
      workload,
    );
  }, true);
}

/**
 * One of the plain kafkajs baselines (kafkajs-raw-consumer.ts, kafkajs-raw-transform.ts) over the
 * input topics as they are after the last kafkaRun, in a fresh process: see kafkajs-raw-consumer.ts
 * for why not in this one.
 */
async function kafkajsScript<T>(file: string, registryDir: string, n: number, ...args: string[]): Promise<T> {
  const script = fileURLToPath(new URL(`./${file}`, import.meta.url));
  const { stdout } = await execFileAsync(process.execPath, ['--import', 'tsx', script, registryDir, String(n), ...args], {
    env: process.env,
    maxBuffer: 1 << 20,
  });
  return JSON.parse(stdout.trim().split('\n').pop()!) as T;
}

/** A run's figures under `<name>_`. */
function runFigures(name: string, r: PipelineRun): Record<string, number> {
  return {
    [`${name}_eps`]: r.eps,
    [`${name}_processing_eps`]: r.processingEps,
    [`${name}_startup_s`]: Number(r.startupSeconds.toFixed(3)),
    [`${name}_out_rps`]: r.outPerSecond,
    [`${name}_cpu_us_per_event`]: r.cpuMicrosPerEvent,
  };
}

function ratio(a: number, b: number): number {
  return Number((a / b).toFixed(3));
}

export async function run(): Promise<Record<string, number>> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'riskstream-bench-runtime-'));
  const figures: Record<string, number> = {};
  try {
    const serde = new AvroSerde(new FileSchemaRegistry(path.join(dir, 'registry')));
    await serde.prepare(['transactions', 'repayments', 'loan-applications', 'risk-features']);
    figures.stream_threads = THREADS;
    const windowed = await embeddedRun(serde, dir, 'windowed-agg', EMBEDDED_EVENTS, DENSE, THREADS, WINDOWED_AGGREGATE);
    Object.assign(figures, runFigures('embedded', windowed));
    const dense = await embeddedRun(serde, dir, 'dense', EMBEDDED_EVENTS, DENSE, THREADS);
    Object.assign(figures, runFigures('risk_features_embedded', dense));
    if (THREADS > 1)
      figures.risk_features_embedded_1_thread_eps = (await embeddedRun(serde, dir, 'dense-1-thread', EMBEDDED_EVENTS, DENSE, 1)).eps;
    const sparse = await embeddedRun(serde, dir, 'sparse', EMBEDDED_EVENTS / 10, SPARSE, THREADS);
    figures.risk_features_embedded_sparse_eps = sparse.eps;
    figures.risk_features_embedded_sparse_out_rps = sparse.outPerSecond;
    const embedded = createEmbeddedBackend(path.join(dir, 'log'));
    try {
      figures.restore_1m_keys_s = await restoreSeconds(embedded, dir);
    } finally {
      await embedded.close();
    }
    if (process.env.KAFKA_BROKERS) {
      await loadKafkaInputs(serde, KAFKA_EVENTS);
      const runs = {
        kafka_alos: await kafkaRun(serde, dir, KAFKA_EVENTS, 'at_least_once', WINDOWED_AGGREGATE),
        kafka_eos: await kafkaRun(serde, dir, KAFKA_EVENTS, 'exactly_once', WINDOWED_AGGREGATE),
        risk_features_kafka_alos: await kafkaRun(serde, dir, KAFKA_EVENTS, 'at_least_once'),
        risk_features_kafka_eos: await kafkaRun(serde, dir, KAFKA_EVENTS, 'exactly_once'),
        stage_consume_kafka_eos: await kafkaRun(serde, dir, KAFKA_EVENTS, 'exactly_once', CONSUME_ONLY),
        stage_outputs_kafka_eos: await kafkaRun(serde, dir, KAFKA_EVENTS, 'exactly_once', OUTPUTS_ONLY),
      };
      const raw = await kafkajsScript<RawConsumeFigures>('kafkajs-raw-consumer.ts', path.join(dir, 'registry'), KAFKA_EVENTS);
      figures.kafkajs_raw_eps = raw.eps;
      figures.kafkajs_raw_startup_s = raw.startupSeconds;
      figures.kafkajs_raw_cpu_us_per_event = raw.cpuMicrosPerEvent;
      const stock = await kafkajsScript<RawConsumeFigures>('kafkajs-raw-consumer.ts', path.join(dir, 'registry'), KAFKA_EVENTS, 'stock');
      figures.kafkajs_stock_raw_eps = stock.eps;
      figures.kafkajs_stock_raw_cpu_us_per_event = stock.cpuMicrosPerEvent;
      const floor = await kafkajsScript<RawTransformFigures>('kafkajs-raw-transform.ts', path.join(dir, 'registry'), KAFKA_EVENTS);
      figures.kafkajs_eos_floor_eps = floor.eps;
      figures.kafkajs_eos_floor_cpu_us_per_event = floor.cpuMicrosPerEvent;
      figures.kafkajs_eos_floor_to_raw = ratio(floor.eps, raw.eps);
      for (const [name, r] of Object.entries(runs)) {
        Object.assign(figures, runFigures(name, r));
        // The targets are ratios within one run: the machine's speed drifts between runs, and the
        // medians of two figures may come from different runs. The raw and floor figures leave out
        // connect and group join; <name>_processing_to_* leave out the stream threads' start-up too.
        if (name.endsWith('_eos')) {
          figures[`${name}_to_raw`] = ratio(r.eps, raw.eps);
          figures[`${name}_processing_to_raw`] = ratio(r.processingEps, raw.eps);
          figures[`${name}_to_stock_raw`] = ratio(r.eps, stock.eps);
        }
      }
      figures.kafka_eos_processing_to_floor = ratio(runs.kafka_eos.processingEps, floor.eps);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return figures;
}
