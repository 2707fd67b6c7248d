// The local persistent copy of a task's stores under <stateDir>/<applicationId>/<task>/: one
// append-only file of changelog entries per store, plus checkpoint.json with the changelog offset
// each file reflects. Entries are appended only after their commit succeeded, so the copy never
// holds uncommitted state. A file may run ahead of the checkpoint (crash between append and
// checkpoint write); replaying the changelog from the checkpoint re-applies the same full values,
// which is harmless.
import fs from 'node:fs';
import path from 'node:path';
import type { ChangelogEntry, StateStore } from './state-store.ts';

export interface Checkpoint {
  /** store name -> changelog offset the local file reflects (a lower bound under Kafka EOS). */
  offsets: Record<string, number>;
}

const CHECKPOINT = 'checkpoint.json';

export class LocalStateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LocalStateError';
  }
}

export class LocalTaskState {
  readonly dir: string;
  private readonly fds = new Map<string, number>();
  private readonly bytes = new Map<string, number>();

  constructor(stateDir: string, applicationId: string, taskId: string) {
    this.dir = path.join(stateDir, applicationId, taskId);
  }

  readCheckpoint(): Checkpoint | undefined {
    try {
      const raw = JSON.parse(fs.readFileSync(path.join(this.dir, CHECKPOINT), 'utf8')) as Checkpoint;
      if (!raw || typeof raw.offsets !== 'object') return undefined;
      return raw;
    } catch {
      return undefined;
    }
  }

  writeCheckpoint(cp: Checkpoint): void {
    fs.mkdirSync(this.dir, { recursive: true });
    const tmp = path.join(this.dir, `${CHECKPOINT}.tmp`);
    fs.writeFileSync(tmp, JSON.stringify(cp));
    fs.renameSync(tmp, path.join(this.dir, CHECKPOINT));
  }

  /** Deletes the local copy and its checkpoint (restore will rebuild from the changelog). */
  wipe(): void {
    this.closeFiles();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  /** Applies the store's local file to it; a torn tail (crash mid-append) is cut off. */
  load(store: StateStore): number {
    return this.apply(store, true);
  }

  /** Applies the store's local file to it without changing the file (readers outside the owner). */
  peek(store: StateStore): number {
    return this.apply(store, false);
  }

  private apply(store: StateStore, owner: boolean): number {
    const file = this.fileOf(store.name);
    let buf: Buffer;
    try {
      buf = fs.readFileSync(file);
    } catch {
      return 0;
    }
    let pos = 0;
    let n = 0;
    while (pos + 8 <= buf.length) {
      const kLen = buf.readUInt32LE(pos);
      const vLen = buf.readInt32LE(pos + 4);
      const end = pos + 8 + kLen + Math.max(vLen, 0);
      if (end > buf.length) break;
      const key = buf.subarray(pos + 8, pos + 8 + kLen);
      store.restore(key, vLen < 0 ? null : buf.subarray(pos + 8 + kLen, end));
      pos = end;
      n++;
    }
    if (!owner) return n;
    if (pos < buf.length) fs.truncateSync(file, pos);
    this.bytes.set(store.name, pos);
    return n;
  }

  /** Appends committed changelog entries of a store to its local file. */
  append(storeName: string, entries: readonly { key: Buffer | null; value: Buffer | null }[]): void {
    if (entries.length === 0) return;
    let size = 0;
    for (const e of entries) size += 8 + (e.key?.length ?? 0) + (e.value?.length ?? 0);
    const out = Buffer.allocUnsafe(size);
    let pos = 0;
    for (const e of entries) {
      const k = e.key ?? EMPTY;
      out.writeUInt32LE(k.length, pos);
      out.writeInt32LE(e.value === null ? -1 : e.value.length, pos + 4);
      k.copy(out, pos + 8);
      pos += 8 + k.length;
      if (e.value !== null) {
        e.value.copy(out, pos);
        pos += e.value.length;
      }
    }
    fs.writeSync(this.fd(storeName), out);
    this.bytes.set(storeName, (this.bytes.get(storeName) ?? 0) + size);
  }

  /** Bytes in the store's local file (to decide when to rewrite it). */
  fileBytes(storeName: string): number {
    return this.bytes.get(storeName) ?? 0;
  }

  /** Replaces a store's file with its live entries only (drops overwritten values and tombstones). */
  rewrite(store: StateStore): void {
    const fd = this.fds.get(store.name);
    if (fd !== undefined) {
      fs.closeSync(fd);
      this.fds.delete(store.name);
    }
    const file = this.fileOf(store.name);
    const tmp = `${file}.tmp`;
    fs.mkdirSync(this.dir, { recursive: true });
    const tmpFd = fs.openSync(tmp, 'w');
    let batch: ChangelogEntry[] = [];
    let total = 0;
    const flush = (): void => {
      if (batch.length === 0) return;
      const saved = this.fds.get(store.name);
      this.fds.set(store.name, tmpFd);
      this.append(store.name, batch);
      if (saved === undefined) this.fds.delete(store.name);
      batch = [];
    };
    this.bytes.set(store.name, 0);
    for (const e of store.localCopy?.() ?? store.dump()) {
      batch.push(e);
      if (++total % 10_000 === 0) flush();
    }
    flush();
    this.fds.delete(store.name);
    fs.closeSync(tmpFd);
    fs.renameSync(tmp, file);
  }

  closeFiles(): void {
    for (const fd of this.fds.values()) fs.closeSync(fd);
    this.fds.clear();
  }

  private fd(storeName: string): number {
    let fd = this.fds.get(storeName);
    if (fd === undefined) {
      fs.mkdirSync(this.dir, { recursive: true });
      fd = fs.openSync(this.fileOf(storeName), 'a');
      this.fds.set(storeName, fd);
    }
    return fd;
  }

  private fileOf(storeName: string): string {
    return path.join(this.dir, `${storeName}.log`);
  }
}

const EMPTY = Buffer.alloc(0);
