// Where lake files live: a directory (embedded) or an S3 bucket (kafka mode). Keys are '/'-separated
// paths relative to the root. put() is atomic: a reader never sees half a file.
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export interface LakeStore {
  /** Where the files are, for messages: a directory path or s3://bucket. */
  readonly root: string;
  put(key: string, body: Buffer): Promise<void>;
  /** The file's bytes, or null when there is no such key. */
  get(key: string): Promise<Buffer | null>;
  /** Keys starting with `prefix` (only within the prefix's directory). */
  list(prefix: string): Promise<string[]>;
  delete(keys: string[]): Promise<void>;
  close(): Promise<void>;
}

export class LocalLakeStore implements LakeStore {
  readonly root: string;
  private tmpCounter = 0;

  constructor(root: string) {
    this.root = resolve(root);
  }

  async put(key: string, body: Buffer): Promise<void> {
    const path = join(this.root, key);
    mkdirSync(dirname(path), { recursive: true });
    const tmp = join(dirname(path), `.${process.pid}-${this.tmpCounter++}.tmp`);
    writeFileSync(tmp, body);
    renameSync(tmp, path);
  }

  async get(key: string): Promise<Buffer | null> {
    try {
      return readFileSync(join(this.root, key));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  async list(prefix: string): Promise<string[]> {
    const slash = prefix.lastIndexOf('/');
    const dir = slash < 0 ? '' : prefix.slice(0, slash + 1);
    const namePrefix = prefix.slice(slash + 1);
    let names: string[];
    try {
      names = readdirSync(join(this.root, dir));
    } catch {
      return [];
    }
    return names.filter((n) => n.startsWith(namePrefix) && !n.startsWith('.')).map((n) => dir + n);
  }

  async delete(keys: string[]): Promise<void> {
    for (const key of keys) rmSync(join(this.root, key), { force: true });
  }

  async close(): Promise<void> {}
}
