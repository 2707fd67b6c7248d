// One process's handle on the log under <dataDir>/log: cached manifest for readers, and
// `transact`, the only way anything changes. A transaction takes the cross-process commit lock,
// re-reads the manifest, lets the caller append records and edit offsets, fsyncs the touched
// files once and publishes everything with a single atomic manifest replace. Until that rename
// nothing of the transaction is visible; after a kill -9 before it, nothing ever will be.
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { FileLock } from './file-lock.ts';
import { type Manifest, readGeneration, readManifest, type TopicState, writeManifest } from './manifest.ts';
import { appendToPartition, partitionPaths, type EncodedRecords, type PartitionPaths } from './partition-files.ts';

export interface LogWriter {
  /** Appends to a partition of a topic of the manifest being edited (caller validated both). */
  append(topic: string, partition: number, records: EncodedRecords): void;
}

export interface EmbeddedLogOptions {
  /** fsync data, index and manifest at every commit (power-loss safety). Default true. */
  durable?: boolean;
}

interface QueuedTransaction {
  describe: string;
  edit: (manifest: Manifest, writer: LogWriter) => unknown;
  resolve: (result: unknown) => void;
  reject: (err: unknown) => void;
}

const fdatasync = promisify(fs.fdatasync);

// Commits in this process wake this process's waiting consumers at once; other processes are
// noticed by polling the manifest's generation.
const commitSignals = new Map<string, EventEmitter>();

export class EmbeddedLog {
  readonly dir: string;
  /** Groups leased through this log's backend (Backend.leaseIdleGroups): its admin may reset them. */
  readonly leasedGroups = new Set<string>();
  private readonly durable: boolean;
  private readonly commitLock: FileLock;
  private cached: Manifest;
  private readonly writeFds = new Map<string, number>();
  private readonly signal: EventEmitter;
  private queued: QueuedTransaction[] = [];
  private flushing: Promise<void> | undefined;

  constructor(dataDir: string, options: EmbeddedLogOptions = {}) {
    this.dir = path.resolve(dataDir, 'log');
    fs.mkdirSync(path.join(this.dir, 'topics'), { recursive: true });
    fs.mkdirSync(path.join(this.dir, 'groups'), { recursive: true });
    this.durable = options.durable ?? true;
    this.commitLock = new FileLock(path.join(this.dir, 'commit.lock'));
    this.cached = readManifest(this.dir);
    let signal = commitSignals.get(this.dir);
    if (signal === undefined) {
      signal = new EventEmitter();
      signal.setMaxListeners(0);
      commitSignals.set(this.dir, signal);
    }
    this.signal = signal;
  }

  /** The last manifest this process has seen (call refresh() to pick up other processes' commits). */
  get manifest(): Manifest {
    return this.cached;
  }

  /** Re-reads the manifest if another process committed since; true when it changed. */
  refresh(): boolean {
    if (readGeneration(this.dir) === this.cached.generation) return false;
    this.cached = readManifest(this.dir);
    return true;
  }

  topic(name: string): TopicState | undefined {
    return Object.hasOwn(this.cached.topics, name) ? this.cached.topics[name] : undefined;
  }

  paths(topic: string, state: TopicState, partition: number): PartitionPaths {
    return partitionPaths(this.dir, topic, state, partition);
  }

  groupMemberLock(groupId: string): FileLock {
    return new FileLock(path.join(this.dir, 'groups', `${encodeURIComponent(groupId)}.member`));
  }

  /** Resolves after the next commit in this process or after `ms`, whichever is first. */
  waitForCommit(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.signal.off('commit', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.signal.on('commit', done);
    });
  }

  /**
   * Runs `edit` on a fresh copy of the manifest under the commit lock and publishes the result
   * atomically. If `edit` throws, nothing of it is published.
   *
   * Group commit: transactions requested while another is being written wait and then go together,
   * under one lock, one set of fsyncs and one manifest replace, each still all-or-nothing. A task
   * manager committing four partitions pays for one durable write instead of four.
   */
  transact<T>(describe: string, edit: (manifest: Manifest, writer: LogWriter) => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queued.push({ describe, edit, resolve: resolve as (value: unknown) => void, reject });
      this.flushing ??= this.flushQueued().finally(() => (this.flushing = undefined));
    });
  }

  private async flushQueued(): Promise<void> {
    while (this.queued.length > 0) {
      const describe = this.queued.map((q) => q.describe).join(', ');
      try {
        await this.commitLock.acquire(30_000, () => `the commit lock of ${this.dir} (${describe})`);
      } catch (err) {
        const failed = this.queued;
        this.queued = [];
        for (const q of failed) q.reject(err);
        continue;
      }
      // Everything queued while the lock was being taken joins this group.
      const group = this.queued;
      this.queued = [];
      const published: { q: QueuedTransaction; result: unknown }[] = [];
      try {
        let manifest = readManifest(this.dir);
        const touched = new Set<number>();
        const writer: LogWriter = {
          append: (topic, partition, records) => {
            const state = manifest.topics[topic];
            const paths = partitionPaths(this.dir, topic, state, partition);
            const dataFd = this.writeFd(paths.data);
            const indexFd = this.writeFd(paths.index);
            appendToPartition(dataFd, indexFd, state.partitions[partition], records);
            touched.add(dataFd).add(indexFd);
          },
        };
        for (const q of group) {
          // A failing member must leave no trace: its appends lie beyond the restored ends and are
          // overwritten by the next append, like a crash's leftovers.
          const before = group.length > 1 ? structuredClone(manifest) : undefined;
          try {
            published.push({ q, result: q.edit(manifest, writer) });
          } catch (err) {
            if (before !== undefined) manifest = before;
            q.reject(err);
          }
        }
        if (published.length > 0) {
          if (this.durable) await Promise.all([...touched].map((fd) => fdatasync(fd)));
          manifest.generation++;
          await writeManifest(this.dir, manifest, this.durable);
          this.cached = manifest;
        }
      } catch (err) {
        for (const { q } of published) q.reject(err);
        published.length = 0;
      } finally {
        this.commitLock.release();
      }
      if (published.length > 0) this.signal.emit('commit');
      for (const { q, result } of published) q.resolve(result);
    }
  }

  close(): void {
    for (const fd of this.writeFds.values()) fs.closeSync(fd);
    this.writeFds.clear();
  }

  private writeFd(file: string): number {
    let fd = this.writeFds.get(file);
    if (fd === undefined) {
      // Not O_APPEND: appends are positional, at the committed end, over any crash leftovers.
      fd = fs.openSync(file, fs.constants.O_RDWR | fs.constants.O_CREAT, 0o644);
      this.writeFds.set(file, fd);
    }
    return fd;
  }
}
