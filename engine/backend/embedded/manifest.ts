// The manifest is the embedded log's single source of truth: which topics exist, how far each
// partition file is committed, the consumer groups' offsets and the transactional producers'
// epochs. It is replaced atomically (write temp, fsync, rename), so whatever a reader or a
// restarted process sees is exactly the state after some whole commit; bytes a crashed writer left
// past a partition's committed end are never read and get overwritten by the next commit.
import fs from 'node:fs';
import path from 'node:path';
import { LogCorruptError } from '../errors.ts';
import { threadId } from 'node:worker_threads';
import { promisify } from 'node:util';

const fsync = promisify(fs.fsync);

export interface PartitionState {
  /** Next offset to write = number of committed records. */
  end: number;
  /** Committed length of the partition file in bytes. */
  bytes: number;
  /** Committed entries in the sparse index file. */
  indexEntries: number;
  /** File position of the last indexed record (-1 when none). */
  lastIndexedByte: number;
  /** Largest record timestamp so far (null when empty); kept in the index for offsetsForTimestamp. */
  maxTimestamp: number | null;
}

export interface TopicState {
  /** Incarnation id: a deleted and recreated topic gets a fresh directory. */
  id: string;
  compacted: boolean;
  partitions: PartitionState[];
}

export interface Manifest {
  /** Increases with every commit; first field in the file so a reader can check it cheaply. */
  generation: number;
  version: 1;
  topics: Record<string, TopicState>;
  /** groupId -> topic -> next offset to read per partition (null = nothing committed). */
  groups: Record<string, Record<string, (number | null)[]>>;
  /** transactionalId -> epoch of its newest producer (older epochs are fenced). */
  producers: Record<string, number>;
}

export const MANIFEST_FILE = 'manifest.json';

export function emptyManifest(): Manifest {
  return { generation: 0, version: 1, topics: {}, groups: {}, producers: {} };
}

export function emptyPartition(): PartitionState {
  return { end: 0, bytes: 0, indexEntries: 0, lastIndexedByte: -1, maxTimestamp: null };
}

/** The manifest's generation, or 0 when there is none yet, reading only the file's head. */
export function readGeneration(logDir: string): number {
  const text = readText(logDir, 64);
  if (text === undefined) return 0;
  const match = /^\{"generation":(\d+)/.exec(text);
  if (match === null) throw new LogCorruptError(`manifest ${path.join(logDir, MANIFEST_FILE)} has no generation`);
  return Number(match[1]);
}

export function readManifest(logDir: string): Manifest {
  const text = readText(logDir);
  if (text === undefined) return emptyManifest();
  try {
    const manifest = JSON.parse(text) as Manifest;
    if (manifest.version !== 1) throw new Error(`version ${String(manifest.version)}`);
    return manifest;
  } catch (err) {
    throw new LogCorruptError(`manifest ${path.join(logDir, MANIFEST_FILE)} is unreadable: ${(err as Error).message}`);
  }
}

/**
 * Atomic replace. With `durable`, survives power loss too (kill -9 needs no fsync at all). The
 * fsyncs run off the event loop: with a busy disk one takes hundreds of ms, which interactive
 * queries and every other part of the process would otherwise wait for.
 */
export async function writeManifest(logDir: string, manifest: Manifest, durable: boolean): Promise<void> {
  const target = path.join(logDir, MANIFEST_FILE);
  const temp = `${target}.${process.pid}.${threadId}.tmp`;
  const fd = fs.openSync(temp, 'w');
  try {
    fs.writeSync(fd, JSON.stringify(manifest));
    if (durable) await fsync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(temp, target);
  if (durable) {
    const dirFd = fs.openSync(logDir, 'r');
    try {
      await fsync(dirFd);
    } finally {
      fs.closeSync(dirFd);
    }
  }
}

function readText(logDir: string, maxBytes?: number): string | undefined {
  let fd: number;
  try {
    fd = fs.openSync(path.join(logDir, MANIFEST_FILE), 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    if (maxBytes !== undefined) {
      const buf = Buffer.allocUnsafe(maxBytes);
      const n = fs.readSync(fd, buf, 0, maxBytes, 0);
      return buf.toString('utf8', 0, n);
    }
    return fs.readFileSync(fd, 'utf8');
  } finally {
    fs.closeSync(fd);
  }
}
