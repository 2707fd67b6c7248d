// One process at a time owns an embedded warehouse: libchdb binds one data path per process and two
// processes on one path corrupt it. The owner writes its pid to `owner.json` (created exclusively); a
// lock whose pid is gone (kill -9) is taken over at once instead of waiting for a staleness timeout.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isProcessAlive } from '../engine/index.ts';
import { WarehouseBusyError } from './errors.ts';

export interface OwnerInfo {
  pid: number;
  started_at: string;
}

export function ownerFile(warehouseDir: string): string {
  return join(warehouseDir, 'owner.json');
}

/** The live owner of a warehouse dir, or undefined when none. */
export function currentOwner(warehouseDir: string): OwnerInfo | undefined {
  try {
    const info = JSON.parse(readFileSync(ownerFile(warehouseDir), 'utf8')) as OwnerInfo;
    return isProcessAlive(info.pid) ? info : undefined;
  } catch {
    return undefined;
  }
}

/** Takes ownership or throws WarehouseBusyError; returns the release function. */
export function acquireOwnerLock(warehouseDir: string): () => void {
  const file = ownerFile(warehouseDir);
  const me: OwnerInfo = { pid: process.pid, started_at: new Date().toISOString() };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      writeFileSync(file, JSON.stringify(me), { flag: 'wx' });
      return () => {
        const owner = currentOwner(warehouseDir);
        if (owner?.pid === process.pid) rmSync(file, { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = currentOwner(warehouseDir);
      if (owner) throw new WarehouseBusyError(warehouseDir, `pid ${owner.pid} since ${owner.started_at}`);
      rmSync(file, { force: true }); // the owner died without releasing
    }
  }
  throw new WarehouseBusyError(warehouseDir, 'could not take the owner lock');
}
