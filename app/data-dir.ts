// The data dir must be writable before anything is opened in it: otherwise the first mkdir deep
// inside the log, the warehouse or the registry fails with a message naming none of them.
import { accessSync, constants, mkdirSync } from 'node:fs';

export class DataDirError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataDirError';
  }
}

/** Creates the data dir if needed; throws DataDirError when it cannot be created or written. */
export function requireWritableDataDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
  } catch (err) {
    throw new DataDirError(`data dir ${dir} is not writable (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}
