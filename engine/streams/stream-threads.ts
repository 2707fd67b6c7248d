// Stream threads (Kafka Streams' num.stream.threads): one application run by N worker threads of
// this process, each a StreamsApp with its own share of the tasks, its own commits and its own V8
// heap, so a worker uses N cores instead of one. Kafka: every thread is a group member. Embedded:
// this process holds the group and thread i takes the partitions p with p % N === i.
//
// A topology holds functions, which cannot cross threads: each thread builds its own StreamsApp
// from a factory module (see StreamThreadFactory) and this class only starts, watches and stops
// them and adds up their progress.
import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import { Worker } from 'node:worker_threads';
import { AggregatorRegistry, Registry } from 'prom-client';
import type { Backend, GroupHold } from '../backend/backend.ts';
import { startObservabilityServer } from '../observability/http-server.ts';
import { logger as rootLogger, type Logger } from '../observability/logger.ts';
import { StreamsAppError, type StreamsProgress } from './streams-app.ts';
import { settledOnce } from './settled-once.ts';
import type { QueryAnswer } from '../queries/query-router.ts';
import type { StoreMetadata } from '../queries/query-target.ts';
import { isKeyQuery, mergeByKey, StoreQueryError, type QueryMerge, type StoreQuery } from '../queries/store-query.ts';
import type { ThreadReply, ThreadRequest, ThreadRequestBody, ThreadStart } from './stream-thread-protocol.ts';
import { threadBundle, withoutTsx, workerWithFlags, type ThreadBundle } from './thread-bundle.ts';

/**
 * Where a thread finds its StreamsApp: `module` (a file URL) exports `exportName`, a function of
 * (args, thread slot) returning the app's options (see stream-thread-worker.ts). `args` must be
 * structured-cloneable (plain data).
 */
export interface StreamThreadFactory {
  module: string;
  exportName: string;
  args: unknown;
}

export interface StreamThreadsOptions {
  applicationId: string;
  threads: number;
  factory: StreamThreadFactory;
  /** This process's handle on the log: reserves the group for the threads. */
  backend: Backend;
  logger?: Logger;
  /** Serves /metrics (every thread's metrics, summed) and /health when set (0 = any free port). */
  metricsPort?: number;
  /**
   * Start the threads from a bundle of their modules (thread-bundle.ts; default true) rather than
   * through tsx, which compiles and links them module by module in every thread.
   */
  bundle?: boolean;
  /**
   * How the threads' answers to a store-specific query combine, per queryable store (the main
   * thread has no topology); default: by key.
   */
  queryMerges?: ReadonlyMap<string, QueryMerge>;
}

interface ThreadHandle {
  index: number;
  worker: Worker;
  progress: StreamsProgress;
  exited: Promise<void>;
  pending: Map<number, { resolve: (r: ThreadReply) => void; reject: (e: Error) => void }>;
}

const ENTRY = new URL('./stream-thread-entry.js', import.meta.url);
/**
 * A stream thread allocates short-lived objects for every record (decoded values, window results,
 * output buffers). V8's default young generation fills in a few thousand records and promotes
 * what is still in flight; a larger one scavenges less often (measured: ~5% more records/s).
 */
const YOUNG_GENERATION_MB = 96;

export class StreamThreads {
  readonly applicationId: string;
  private readonly o: StreamThreadsOptions;
  private readonly log: Logger;
  private threads: ThreadHandle[] = [];
  private hold: GroupHold | undefined;
  private failure: Error | undefined;
  private readonly failedOnce = settledOnce<Error>();
  private nextRequest = 0;
  private stopped: Promise<void> | undefined;
  private server: http.Server | undefined;
  private readonly instance = randomUUID();

  constructor(options: StreamThreadsOptions) {
    if (!Number.isInteger(options.threads) || options.threads < 1)
      throw new StreamsAppError(`stream threads must be a positive integer, got ${options.threads}`);
    this.o = options;
    this.applicationId = options.applicationId;
    this.log = (options.logger ?? rootLogger).child({ app: options.applicationId });
  }

  /** Reserves the group, starts every thread and resolves once all of them have joined the group. */
  async start(): Promise<void> {
    this.hold = await this.o.backend.holdGroup(this.applicationId);
    try {
      const bundle = this.o.bundle === false ? undefined : await threadBundle(this.o.factory.module, this.log);
      this.threads = Array.from({ length: this.o.threads }, (_, index) => this.spawn(index, bundle));
      // Every thread loaded and prepared before any joins: they join the group together.
      await Promise.all(this.threads.map((t) => this.request(t, { type: 'prepare' })));
      await Promise.all(this.threads.map((t) => this.request(t, { type: 'start' })));
      if (this.o.metricsPort !== undefined) {
        this.server = await startObservabilityServer(
          this.o.metricsPort,
          { contentType: Registry.PROMETHEUS_CONTENT_TYPE, metrics: () => this.metrics() },
          this,
        );
      }
      this.log.info({ threads: this.o.threads }, 'stream threads started');
    } catch (err) {
      await this.stop().catch(() => undefined);
      throw err;
    }
  }

  /**
   * Resolves once every thread is idle. Threads feed each other only through internal
   * (repartition) topics; when a thread reports such writes, every thread is asked again until a
   * round passes in which nobody processed anything.
   */
  async runUntilIdle(): Promise<void> {
    if (this.threads.length === 0) await this.start();
    for (;;) {
      const replies = await Promise.all(this.threads.map((t) => this.request(t, { type: 'untilIdle' })));
      if (!replies.some((r) => r.type === 'idle' && r.fedOtherThreads)) return;
    }
  }

  /** Resolves with the error once a thread fails (which fails the application); never resolves on a plain stop. */
  whenFailed(): Promise<Error> {
    return this.failedOnce.promise;
  }

  /** The port /metrics and /health are served on (undefined without metricsPort). */
  get servedPort(): number | undefined {
    const address = this.server?.address();
    return typeof address === 'object' && address !== null ? address.port : undefined;
  }

  /** Prometheus text of every thread's metrics, counters and gauges summed over the threads. */
  async metrics(): Promise<string> {
    const replies = await Promise.all(this.threads.map((t) => this.request(t, { type: 'metrics' })));
    return AggregatorRegistry.aggregate(replies.map((r) => (r.type === 'metrics' ? r.metrics : []))).metrics();
  }

  /**
   * An interactive query, through the thread protocol: a key to every thread (only the one whose
   * task owns the key's partition answers with rows), anything else to every thread, merged.
   */
  async query(store: string, q: StoreQuery): Promise<QueryAnswer> {
    const replies = await Promise.all(this.threads.map((t) => this.request(t, { type: 'query', store, query: q })));
    const answers: QueryAnswer[] = [];
    for (const r of replies) {
      if (r.type === 'queryFailed') throw r.name === 'StoreQueryError' ? new StoreQueryError(r.message) : new Error(r.message);
      if (r.type === 'queryAnswer') answers.push(r.answer);
    }
    const partitions = answers.flatMap((a) => a.partitions).sort((a, b) => a - b);
    if (isKeyQuery(q)) return { rows: answers.find((a) => a.rows.length > 0)?.rows ?? [], partitions };
    const merge = this.o.queryMerges?.get(store) ?? mergeByKey;
    return {
      rows: merge(
        q,
        answers.map((a) => a.rows),
      ),
      partitions,
    };
  }

  /** Every queryable store, with the partitions all threads together own. */
  async queryMetadata(): Promise<StoreMetadata[]> {
    const replies = await Promise.all(this.threads.map((t) => this.request(t, { type: 'queryMetadata' })));
    const byStore = new Map<string, StoreMetadata>();
    for (const r of replies) {
      if (r.type !== 'queryMetadata') continue;
      for (const m of r.stores) {
        const seen = byStore.get(m.store);
        if (!seen) byStore.set(m.store, { ...m, partitions: [...m.partitions] });
        else {
          seen.partitionCount ??= m.partitionCount;
          seen.partitions.push(...m.partitions);
        }
      }
    }
    for (const m of byStore.values()) m.partitions.sort((a, b) => a - b);
    return [...byStore.values()];
  }

  health(): { ok: boolean; state: string; tasks: number } {
    const p = this.progress();
    return { ok: p.state === 'running', state: p.state, tasks: p.tasks };
  }

  /** Each thread's own progress, in thread order (as of its last report, at most 0.1 s old). */
  threadProgress(): StreamsProgress[] {
    return this.threads.map((t) => t.progress);
  }

  progress(): StreamsProgress {
    const all = this.threadProgress();
    const sum = (f: (p: StreamsProgress) => number): number => all.reduce((n, p) => n + f(p), 0);
    const states = new Set(all.map((p) => p.state));
    return {
      state: this.failure ? 'failed' : states.size === 1 ? all[0].state : 'running',
      tasks: sum((p) => p.tasks),
      recordsIn: sum((p) => p.recordsIn),
      recordsOut: sum((p) => p.recordsOut),
      dlq: sum((p) => p.dlq),
      late: sum((p) => p.late),
      recordsInPerSecond: sum((p) => p.recordsInPerSecond),
      buffered: sum((p) => p.buffered),
      commits: sum((p) => p.commits),
    };
  }

  /** Commits and closes every thread, then releases the group. */
  stop(): Promise<void> {
    this.stopped ??= (async () => {
      await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
      await Promise.all(
        this.threads.map(async (t) => {
          await this.request(t, { type: 'stop' }).catch((err: unknown) =>
            this.log.error({ err, thread: t.index }, 'stream thread failed to stop cleanly'),
          );
          await t.worker.terminate();
          await t.exited;
        }),
      );
      this.hold?.release();
      this.hold = undefined;
    })();
    return this.stopped;
  }

  private spawn(index: number, bundle: ThreadBundle | undefined): ThreadHandle {
    const factory = bundle ? { ...this.o.factory, module: bundle.factory } : this.o.factory;
    const start: ThreadStart = { factory, thread: { index, count: this.o.threads, instance: this.instance } };
    const options = { workerData: start, resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB } };
    // A worker inherits this process's flags, `--import tsx` among them when the application was
    // started through tsx: the bundle is plain JavaScript, and tsx's loader would still hook every
    // module the thread loads (~100 ms of each thread's start).
    const worker = bundle ? workerWithFlags(bundle.worker, options, withoutTsx(process.execArgv)) : new Worker(ENTRY, options);
    const name = `stream thread ${index + 1} of ${this.o.threads} of ${this.applicationId}`;
    const handle: ThreadHandle = {
      index,
      worker,
      progress: {
        state: 'starting',
        tasks: 0,
        recordsIn: 0,
        recordsOut: 0,
        dlq: 0,
        late: 0,
        recordsInPerSecond: 0,
        buffered: 0,
        commits: 0,
      },
      pending: new Map(),
      exited: new Promise((resolve) => worker.once('exit', () => resolve())),
    };
    worker.on('message', (reply: ThreadReply) => {
      handle.progress = reply.progress;
      if (reply.type === 'failed') this.failed(handle, new StreamsAppError(`${name} failed: ${reply.message}`));
      if (reply.requestId === undefined) return;
      const waiter = handle.pending.get(reply.requestId);
      handle.pending.delete(reply.requestId);
      if (reply.type === 'failed') waiter?.reject(this.failure!);
      else waiter?.resolve(reply);
    });
    worker.on('error', (err) => this.failed(handle, new StreamsAppError(`${name} crashed: ${err.message}`, { cause: err })));
    worker.on('exit', (code) => {
      if (this.stopped === undefined) this.failed(handle, new StreamsAppError(`${name} exited (code ${code})`));
    });
    return handle;
  }

  private request(t: ThreadHandle, req: ThreadRequestBody): Promise<ThreadReply> {
    if (this.failure) return Promise.reject(this.failure);
    const requestId = this.nextRequest++;
    return new Promise((resolve, reject) => {
      t.pending.set(requestId, { resolve, reject });
      t.worker.postMessage({ ...req, requestId } as ThreadRequest);
    });
  }

  /** One thread failing fails the application, as in Kafka Streams without a replace-thread handler. */
  private failed(t: ThreadHandle, err: Error): void {
    this.failure ??= err;
    this.log.error({ err, thread: t.index }, 'stream thread failed');
    this.failedOnce.resolve(this.failure);
    for (const other of this.threads) {
      for (const w of other.pending.values()) w.reject(this.failure);
      other.pending.clear();
    }
  }
}
