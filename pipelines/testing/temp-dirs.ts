// Data dirs (and settings files) of a test file: made under the OS temp dir, all removed after the file.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export class TempDirs {
  private readonly dirs: string[] = [];

  /** `prefix` starts each dir's name (e.g. 'rf-crash-'). */
  constructor(private readonly prefix: string) {}

  /** A new empty dir. */
  make = (): string => {
    const d = mkdtempSync(join(tmpdir(), this.prefix));
    this.dirs.push(d);
    return d;
  };

  /** A file `name` holding `text`, in a new dir: e.g. a settings file for --config. */
  file = (name: string, text: string): string => {
    const file = join(this.make(), name);
    writeFileSync(file, text);
    return file;
  };

  /** Removes every dir made so far. */
  removeAll = (): void => {
    for (const d of this.dirs) rmSync(d, { recursive: true, force: true });
  };
}
