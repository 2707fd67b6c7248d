// The body of one stream thread: builds its StreamsApp from the factory module and answers
// StreamThreads' requests (prepare, start, until idle, stop), with progress every half second.
import { parentPort, workerData } from 'node:worker_threads';
import type { StreamThreadSlot } from '../backend/backend.ts';
import { StreamsApp, type StreamsAppOptions } from './streams-app.ts';
import type { ThreadReply, ThreadReplyBody, ThreadRequest, ThreadStart } from './stream-thread-protocol.ts';

/** What a factory module's export returns: the app's options, and what to close after it stops. */
export interface StreamThreadApp {
  options: Omit<StreamsAppOptions, 'thread'>;
  close(): Promise<void>;
}

export type StreamThreadAppFactory = (args: unknown, thread: StreamThreadSlot) => Promise<StreamThreadApp>;

// Often enough that the summed progress (CLI progress lines, the bench's processing rate)
// is at most a tenth of a second old; a report is one small structured-clone message.
const PROGRESS_INTERVAL_MS = 100;

async function main(port: NonNullable<typeof parentPort>, start: ThreadStart): Promise<void> {
  const mod = (await import(start.factory.module)) as Record<string, unknown>;
  const factory = mod[start.factory.exportName];
  if (typeof factory !== 'function')
    throw new Error(`stream thread factory ${start.factory.exportName} is not a function exported by ${start.factory.module}`);
  const built = await (factory as StreamThreadAppFactory)(start.factory.args, start.thread);
  const logger = built.options.logger?.child({ thread: start.thread.index });
  const app = new StreamsApp({ ...built.options, logger, thread: start.thread });
  const reply = (r: ThreadReplyBody): void => port.postMessage({ ...r, progress: app.progress() } satisfies ThreadReply);
  const timer = setInterval(() => reply({ type: 'progress' }), PROGRESS_INTERVAL_MS);
  // Unasked: a thread whose application fails while nobody waits on it (a plain run) says so.
  void app.whenFailed().then((err) => reply({ type: 'failed', message: err.message }));
  port.on('message', (req: ThreadRequest) => {
    void handle(req).catch((err: unknown) =>
      reply({ type: 'failed', requestId: req.requestId, message: err instanceof Error ? err.message : String(err) }),
    );
  });

  async function handle(req: ThreadRequest): Promise<void> {
    switch (req.type) {
      case 'prepare':
        await app.prepare();
        return reply({ type: 'prepared', requestId: req.requestId });
      case 'start':
        await app.start();
        return reply({ type: 'started', requestId: req.requestId });
      case 'untilIdle': {
        const before = app.internalRecordsWritten;
        await app.runUntilIdle();
        return reply({ type: 'idle', requestId: req.requestId, fedOtherThreads: app.internalRecordsWritten > before });
      }
      case 'metrics':
        return reply({ type: 'metrics', requestId: req.requestId, metrics: await app.metrics.registry.getMetricsAsJSON() });
      case 'query':
        try {
          return reply({ type: 'queryAnswer', requestId: req.requestId, answer: app.query(req.store, req.query) });
        } catch (err) {
          const e = err instanceof Error ? err : new Error(String(err));
          return reply({ type: 'queryFailed', requestId: req.requestId, name: e.name, message: e.message });
        }
      case 'queryMetadata':
        return reply({ type: 'queryMetadata', requestId: req.requestId, stores: app.queryMetadata() });
      case 'stop':
        clearInterval(timer);
        await app.stop();
        await built.close();
        reply({ type: 'stopped', requestId: req.requestId });
        port.close();
    }
  }
}

if (parentPort === null) throw new Error('stream-thread-worker.ts runs inside a worker thread started by StreamThreads');
// Stacks in a thread's logs name the TypeScript sources, bundled or not (tsx, when it ran the thread, did this).
process.setSourceMapsEnabled(true);
await main(parentPort, workerData as ThreadStart);
