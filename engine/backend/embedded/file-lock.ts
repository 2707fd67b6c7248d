// A cross-process lock file: created atomically with its owner inside (write a temp file, then
// link() it into place, which fails if the lock exists). A lock whose owner process is gone is
// stale and gets broken, so a kill -9 never blocks the next run. Breaking goes through a second,
// short-lived lock so two processes cannot both break and then both take the lock.
import fs from 'node:fs';
import os from 'node:os';
import { BroadcastChannel, threadId } from 'node:worker_threads';
import { isProcessAlive } from '../../processes/is-process-alive.ts';

interface LockOwner {
  pid: number;
  host: string;
  /** Process start time from /proc (Linux), so a reused pid is not mistaken for the owner. */
  start: string;
}

const BREAKER_STALE_MS = 2_000;
let tempCounter = 0;

/**
 * Per lock path, a channel on which a release is announced to the other threads of this process:
 * a stream thread waiting for a sibling's commit wakes at once instead of at its next poll (other
 * processes are still noticed by polling).
 */
const releases = new Map<string, BroadcastChannel>();

function releaseChannel(path: string): BroadcastChannel {
  let channel = releases.get(path);
  if (channel === undefined) {
    channel = new BroadcastChannel(`riskstream-lock:${path}`);
    channel.unref();
    releases.set(path, channel);
  }
  return channel;
}

/** Resolves after `ms`, or sooner when a thread of this process releases the lock at `path`. */
function releasedOrTimeout(path: string, ms: number): Promise<void> {
  const channel = releaseChannel(path);
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      channel.removeEventListener('message', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    channel.addEventListener('message', done);
  });
}

function processStart(pid: number): string {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22 (starttime), counted after the parenthesised command name which may hold spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19] ?? '';
  } catch {
    return '';
  }
}

const self: LockOwner = { pid: process.pid, host: os.hostname(), start: processStart(process.pid) };

function ownerIsAlive(owner: LockOwner): boolean {
  if (owner.host !== self.host) return true; // cannot tell: assume alive
  if (!isProcessAlive(owner.pid)) return false;
  if (owner.start !== '') {
    const start = processStart(owner.pid);
    if (start !== '' && start !== owner.start) return false;
  }
  return true;
}

function readOwner(path: string): LockOwner | undefined {
  try {
    const parsed = JSON.parse(fs.readFileSync(path, 'utf8')) as LockOwner;
    return typeof parsed.pid === 'number' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

export class FileLock {
  private held = false;

  constructor(readonly path: string) {}

  get isHeld(): boolean {
    return this.held;
  }

  /** The live process holding the lock, if any (undefined when free or stale). */
  liveOwner(): { pid: number; host: string } | undefined {
    const owner = readOwner(this.path);
    return owner !== undefined && ownerIsAlive(owner) ? { pid: owner.pid, host: owner.host } : undefined;
  }

  /** Takes the lock if it is free or stale; never waits. */
  tryAcquire(): boolean {
    // Held by another caller in this process (e.g. a sink committing while a task commits): wait for it.
    if (this.held) return false;
    // pid and thread: stream threads of one process take the same locks.
    const temp = `${this.path}.${process.pid}.${threadId}.${tempCounter++}.tmp`;
    fs.writeFileSync(temp, JSON.stringify(self));
    try {
      for (let attempt = 0; attempt < 2; attempt++) {
        try {
          fs.linkSync(temp, this.path);
          this.held = true;
          return true;
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        }
        if (!this.breakIfStale()) return false;
      }
      return false;
    } finally {
      fs.rmSync(temp, { force: true });
    }
  }

  /** Waits (polling) until the lock is ours. */
  async acquire(timeoutMs = 30_000, describe: () => string = () => this.path): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let wait = 0;
    while (!this.tryAcquire()) {
      if (Date.now() > deadline) {
        const owner = this.liveOwner();
        throw new Error(`timed out after ${timeoutMs} ms waiting for ${describe()} (held by pid ${owner?.pid ?? '?'})`);
      }
      await releasedOrTimeout(this.path, wait);
      wait = Math.min(wait + 1, 10);
    }
  }

  release(): void {
    if (!this.held) return;
    this.held = false;
    fs.rmSync(this.path, { force: true });
    releaseChannel(this.path).postMessage(null);
  }

  /** Removes the lock file when its owner is dead. True when the lock may now be free. */
  private breakIfStale(): boolean {
    const owner = readOwner(this.path);
    if (owner === undefined) {
      // Vanished between link() and read: free again. (An unreadable file cannot exist: link is atomic.)
      return !fs.existsSync(this.path);
    }
    if (ownerIsAlive(owner)) return false;
    const breaker = `${this.path}.break`;
    let fd: number;
    try {
      fd = fs.openSync(breaker, 'wx');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      try {
        if (Date.now() - fs.statSync(breaker).mtimeMs > BREAKER_STALE_MS) fs.rmSync(breaker, { force: true });
      } catch {
        // breaker vanished: someone finished breaking
      }
      return false;
    }
    try {
      // Re-check under the breaker: someone may have broken it and taken it meanwhile.
      const again = readOwner(this.path);
      if (again !== undefined && again.pid === owner.pid && again.start === owner.start && again.host === owner.host) {
        fs.rmSync(this.path, { force: true });
      }
      return true;
    } finally {
      fs.closeSync(fd);
      fs.rmSync(breaker, { force: true });
    }
  }
}
