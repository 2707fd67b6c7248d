// Temporary working directories for dev services. Each records the pid that owns it, so a later start
// can sweep the directories of runs that were killed before they could clean up.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isProcessAlive } from '../engine/index.ts';

const PREFIX = 'riskstream-dev-';

function sweepStaleDirs(): void {
  let names: string[];
  try {
    names = readdirSync(tmpdir()).filter((n) => n.startsWith(PREFIX));
  } catch {
    return;
  }
  for (const name of names) {
    const dir = path.join(tmpdir(), name);
    try {
      const owner = Number(readFileSync(path.join(dir, 'owner.pid'), 'utf8'));
      if (owner > 0 && !isProcessAlive(owner)) rmSync(dir, { recursive: true, force: true });
    } catch {
      // no owner file yet (being created) or already removed
    }
  }
}

/** A fresh directory under the OS temp dir for one service run. */
export function makeServiceDir(service: string): { dir: string; remove(): void } {
  sweepStaleDirs();
  const dir = mkdtempSync(path.join(tmpdir(), `${PREFIX}${service}-`));
  writeFileSync(path.join(dir, 'owner.pid'), String(process.pid));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
