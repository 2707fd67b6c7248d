// Whether a directory is riskstream's data dir, and so riskstream's to delete (`demo` starts fresh).
// Riskstream marks the data dirs it creates with a marker file; a dir without it is riskstream's only
// when everything in it is riskstream's own layout (a data dir of a release before the marker), and
// then it gets the marker too. Anything else is someone else's directory and is never deleted.
import { accessSync, constants, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const DATA_DIR_MARKER = '.riskstream-data-dir';

/** What riskstream writes at the top of a data dir. */
const OWN_ENTRIES = new Set([
  'log',
  'warehouse',
  'state',
  'lake',
  'registry',
  'pipelines',
  'generated',
  'models',
  'queries',
  DATA_DIR_MARKER,
]);
/** Paths no one but riskstream writes: the embedded log, the embedded registry, chDB's store. */
const OWN_FILES = ['log/manifest.json', 'log/topics', 'registry/registry.json', 'warehouse/chdb'];

export type DataDirKind = 'absent' | 'empty' | 'riskstream' | 'foreign';

export class DataDirError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataDirError';
  }
}

export function dataDirKind(dir: string): DataDirKind {
  if (!existsSync(dir)) return 'absent';
  if (!statSync(dir).isDirectory()) return 'foreign';
  const entries = readdirSync(dir);
  if (entries.length === 0) return 'empty';
  if (entries.includes(DATA_DIR_MARKER)) return 'riskstream';
  const ownLayout = entries.every((e) => OWN_ENTRIES.has(e)) && OWN_FILES.some((f) => existsSync(join(dir, f)));
  return ownLayout ? 'riskstream' : 'foreign';
}

/**
 * Creates the data dir if needed and marks it as riskstream's when it is new, empty or of riskstream's
 * layout. A foreign non-empty dir is used as it is but never marked, so `demo` keeps refusing it.
 */
export function claimDataDir(dir: string): DataDirKind {
  const kind = dataDirKind(dir);
  if (kind === 'foreign' && existsSync(dir) && !statSync(dir).isDirectory()) throw new DataDirError(`data dir ${dir} is not a directory`);
  requireWritableDataDir(dir);
  if (kind === 'foreign') return kind;
  const marker = join(dir, DATA_DIR_MARKER);
  if (!existsSync(marker)) {
    writeFileSync(
      marker,
      `riskstream data dir, created ${new Date().toISOString()}. riskstream demo (without --keep) deletes this directory.\n`,
    );
  }
  return kind;
}

/** Deletes a riskstream data dir with everything in it; refuses (deleting nothing) a dir that is not one. */
export function resetDataDir(dir: string): void {
  if (dataDirKind(dir) === 'foreign') {
    throw new DataDirError(
      `refusing to reset ${dir}: not empty and not a riskstream data dir (no ${DATA_DIR_MARKER}); pass another --data-dir, or --keep to use it as it is`,
    );
  }
  rmSync(dir, { recursive: true, force: true });
}

/**
 * Creates the data dir if needed; throws DataDirError when it cannot be created or written: otherwise
 * the first mkdir deep inside the log, the warehouse or the registry fails naming none of them.
 */
export function requireWritableDataDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
  } catch (err) {
    throw new DataDirError(`data dir ${dir} is not writable (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

/** For commands that only read: a data dir that does not exist is most likely a mistyped one, not one to create empty. */
export function requireExistingDataDir(dir: string): void {
  if (dataDirKind(dir) === 'absent') {
    throw new DataDirError(
      `no data dir at ${dir}: nothing to read (riskstream demo, generate or connect file writes one; --data-dir or RISKSTREAM_DATA_DIR names another)`,
    );
  }
}
