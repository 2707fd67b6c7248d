import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { WarehouseReadOnlyError } from './errors.ts';
import { queryWarehouse } from './query-server.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'rs-whq-'));
const fixture = fileURLToPath(new URL('./testing/hold-warehouse.ts', import.meta.url));
let owner: ChildProcess | undefined;

afterAll(() => {
  if (owner && owner.exitCode === null) owner.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

function startOwner(): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', fixture, dataDir], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('ready') && resolve(child));
    child.once('exit', (code) => reject(new Error(`warehouse owner exited early with ${code}`)));
  });
}

const sql = 'SELECT event_id, reported_balance_cents FROM partner_records_latest ORDER BY event_id';

describe('queryWarehouse on an embedded data dir', () => {
  it('forwards to the process that owns the warehouse, read-only unless write', async () => {
    owner = await startOwner();
    expect(existsSync(join(dataDir, 'warehouse', 'endpoint.json'))).toBe(true);
    expect(await queryWarehouse(dataDir, sql, { format: 'json' })).toBe('{"event_id":"p-1","reported_balance_cents":500}\n');
    await expect(queryWarehouse(dataDir, "INSERT INTO partner_records (event_id) VALUES ('x')", { format: 'csv' })).rejects.toThrow(
      WarehouseReadOnlyError,
    );
    await queryWarehouse(dataDir, "INSERT INTO partner_records (event_id, reported_balance_cents) VALUES ('p-2', 7)", {
      format: 'csv',
      write: true,
    });
    expect(await queryWarehouse(dataDir, sql, { format: 'csv' })).toBe('"event_id","reported_balance_cents"\n"p-1",500\n"p-2",7\n');
  });

  it('opens chDB itself once the owner is gone, even after kill -9', async () => {
    owner!.kill('SIGKILL');
    await new Promise((r) => owner!.once('exit', r));
    expect(await queryWarehouse(dataDir, sql, { format: 'table' })).toBe(
      'event_id  reported_balance_cents\n--------  ----------------------\np-1                          500\np-2                            7\n(2 rows)\n',
    );
  });
});
