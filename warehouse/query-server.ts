// `riskstream query` while `riskstream run` holds the embedded warehouse: libchdb lets one process own
// a data path, so the owner serves SQL on a loopback HTTP endpoint it advertises in
// `<dataDir>/warehouse/endpoint.json`, and queryWarehouse() forwards there while the owner lives.
// With no live owner it opens chDB itself; in kafka mode it talks to the ClickHouse server.
import { randomBytes } from 'node:crypto';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ChdbWarehouse, warehouseDirOf } from './chdb-warehouse.ts';
import { WarehouseBusyError, WarehouseError, WarehouseReadOnlyError } from './errors.ts';
import { serverOptionsFromEnv } from './open-warehouse.ts';
import { isProcessAlive } from '../engine/index.ts';
import { currentOwner } from './owner-lock.ts';
import { requireOneStatementWithoutFormat } from './statement-shape.ts';
import type { QueryOptions, Warehouse } from './warehouse.ts';

interface Endpoint {
  url: string;
  pid: number;
  token: string;
}

export interface WarehouseQueryServer {
  readonly url: string;
  close(): Promise<void>;
}

function endpointFile(dataDir: string): string {
  return join(warehouseDirOf(dataDir), 'endpoint.json');
}

/** Serves `POST /query {sql, format, write}` on 127.0.0.1 for other processes; advertises it under the data dir. */
export async function startWarehouseQueryServer(warehouse: Warehouse, dataDir: string): Promise<WarehouseQueryServer> {
  const token = randomBytes(16).toString('hex');
  const server = createServer((req, res) => void handle(warehouse, token, req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const file = endpointFile(dataDir);
  const endpoint: Endpoint = { url, pid: process.pid, token };
  writeFileSync(`${file}.tmp`, JSON.stringify(endpoint), { mode: 0o600 });
  renameSync(`${file}.tmp`, file);
  return {
    url,
    close: async () => {
      if (readEndpoint(dataDir)?.token === token) rmSync(file, { force: true });
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function handle(warehouse: Warehouse, token: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const reply = (status: number, body: string, type = 'text/plain; charset=utf-8') => {
    res.writeHead(status, { 'content-type': type });
    res.end(body);
  };
  if (req.method !== 'POST' || req.url !== '/query') return reply(404, 'not found');
  if (req.headers.authorization !== `Bearer ${token}`) return reply(401, 'unauthorized');
  let body = '';
  for await (const chunk of req) body += chunk;
  try {
    const { sql, format, write } = JSON.parse(body) as { sql: string } & QueryOptions;
    reply(200, await warehouse.query(sql, { format, write }));
  } catch (err) {
    const e = err as Error;
    reply(400, JSON.stringify({ name: e.name, message: e.message }), 'application/json');
  }
}

function readEndpoint(dataDir: string): Endpoint | undefined {
  try {
    return JSON.parse(readFileSync(endpointFile(dataDir), 'utf8')) as Endpoint;
  } catch {
    return undefined;
  }
}

/**
 * Runs one query for the CLI. `target` is a ClickHouse server URL (http:// or https://; credentials
 * from CLICKHOUSE_USER / CLICKHOUSE_PASSWORD) or an embedded data dir.
 */
export async function queryWarehouse(target: string, sql: string, opts: QueryOptions): Promise<string> {
  requireOneStatementWithoutFormat(sql);
  if (/^https?:\/\//.test(target)) {
    const { ServerWarehouse } = await import('./server-warehouse.ts');
    const wh = new ServerWarehouse({ ...serverOptionsFromEnv({ ...process.env, CLICKHOUSE_URL: target }) });
    try {
      return await wh.query(sql, opts);
    } finally {
      await wh.close();
    }
  }
  const inProcess = ChdbWarehouse.openFor(target);
  if (inProcess) return inProcess.query(sql, opts);

  // The owner may be starting up: give it a few seconds to advertise its endpoint.
  const deadline = Date.now() + 5_000;
  for (;;) {
    const endpoint = readEndpoint(target);
    if (endpoint && isProcessAlive(endpoint.pid)) {
      const answer = await forward(endpoint, sql, opts);
      if (answer !== undefined) return answer;
    }
    const owner = currentOwner(warehouseDirOf(target));
    if (!owner) break;
    if (Date.now() > deadline) {
      throw new WarehouseBusyError(warehouseDirOf(target), `pid ${owner.pid}, which serves no query endpoint`);
    }
    await sleep(100);
  }
  const wh = await ChdbWarehouse.open(target);
  try {
    return await wh.query(sql, opts);
  } finally {
    await wh.close();
  }
}

/** The owner's answer, or undefined when it could not be reached (it is exiting: fall back). */
async function forward(endpoint: Endpoint, sql: string, opts: QueryOptions): Promise<string | undefined> {
  let res: Response;
  try {
    res = await fetch(`${endpoint.url}/query`, {
      method: 'POST',
      headers: { authorization: `Bearer ${endpoint.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ sql, format: opts.format, write: opts.write ?? false }),
    });
  } catch {
    return undefined;
  }
  const text = await res.text();
  if (res.ok) return text;
  let err: { name?: string; message?: string } = {};
  try {
    err = JSON.parse(text) as typeof err;
  } catch {
    err = { message: text };
  }
  if (err.name === 'WarehouseReadOnlyError') throw new WarehouseReadOnlyError();
  throw new WarehouseError(err.message ?? `query endpoint ${endpoint.url} answered ${res.status}`);
}
