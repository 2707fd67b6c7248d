// Keeps a running scorer on the promoted model: polls the promoted pointer and swaps the model when
// it names another version or algorithm. A model that fails to load is logged and skipped; the
// last good one keeps scoring (and the same pointer is retried on the next poll).
import type { LakeStore } from '../connectors/sinks/lake-store.ts';
import { logger } from '../engine/index.ts';
import { loadModel, type Scorer } from './model-loader.ts';
import { readPromoted } from './model-registry.ts';

export interface WatcherOptions {
  intervalMs?: number;
  onSwap?: (scorer: Scorer) => void;
  onError?: (err: Error) => void;
}

export class PromotedModelWatcher {
  private scorer: Scorer | null = null;
  private timer: NodeJS.Timeout | null = null;
  private polling: Promise<void> | null = null;

  constructor(
    private readonly store: LakeStore,
    private readonly name: string,
    private readonly opts: WatcherOptions = {},
  ) {}

  /** The model in use; null until one has loaded. */
  current(): Scorer | null {
    return this.scorer;
  }

  /** One poll: loads the promoted model if it differs from the current one. */
  poll(): Promise<void> {
    this.polling ??= this.check().finally(() => (this.polling = null));
    return this.polling;
  }

  /** Polls now and then every intervalMs (default 3 s) until stop(). */
  async start(): Promise<void> {
    await this.poll();
    this.timer = setInterval(() => void this.poll(), this.opts.intervalMs ?? 3_000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.polling;
  }

  private async check(): Promise<void> {
    try {
      const p = await readPromoted(this.store, this.name);
      if (!p || (this.scorer && this.scorer.version === p.version && this.scorer.algo === p.algo)) return;
      const next = await loadModel(this.store, this.name, p.version, p.algo);
      this.scorer = next;
      logger.info({ model: this.name, version: next.version, algo: next.algo }, 'scoring with the promoted model');
      this.opts.onSwap?.(next);
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      logger.warn(
        { model: this.name, err: e.message, keeping: this.scorer?.version ?? null },
        'promoted model did not load; keeping the last good one',
      );
      this.opts.onError?.(e);
    }
  }
}
